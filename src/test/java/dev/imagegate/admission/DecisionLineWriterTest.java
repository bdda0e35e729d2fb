package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class DecisionLineWriterTest {
  /** Records every write call, so a test sees how lines were batched. */
  static class Recording extends OutputStream {
    final ByteArrayOutputStream all = new ByteArrayOutputStream();
    final List<String> writes = new ArrayList<>();

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      all.write(b, off, len);
      writes.add(new String(b, off, len, StandardCharsets.UTF_8));
    }

    synchronized String text() {
      return all.toString(StandardCharsets.UTF_8);
    }

    synchronized int writeCount() {
      return writes.size();
    }
  }

  private static LogRecord line(String text) {
    return new LogRecord(Level.INFO, text);
  }

  @Test
  void linesAreWrittenWholeInOrderAndInBatches() throws Exception {
    Recording out = new Recording();
    DecisionLineWriter writer = new DecisionLineWriter(out, 4_096, Duration.ofMillis(50));
    for (int i = 0; i < 1_000; i++) {
      writer.publish(line("{\"n\":" + i + "}"));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (out.text().split("\n").length < 1_000 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    String[] lines = out.text().split("\n");
    assertThat(lines).hasSize(1_000);
    for (int i = 0; i < 1_000; i++) {
      assertThat(lines[i]).isEqualTo("{\"n\":" + i + "}");
    }
    assertThat(out.writeCount()).as("a burst is written in a few calls, not one per line").isLessThan(20);
    writer.close();
  }

  @Test
  void aLoneLineIsWrittenSoonAfterAnIdleSpell() throws Exception {
    Recording out = new Recording();
    DecisionLineWriter writer = new DecisionLineWriter(out, 16, Duration.ofMillis(5));
    Thread.sleep(500); // the writer now polls at its idle pace
    long queued = System.nanoTime();
    writer.publish(line("{\"decision\":\"allowed\"}"));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (out.text().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(out.text()).isEqualTo("{\"decision\":\"allowed\"}\n");
    assertThat(Duration.ofNanos(System.nanoTime() - queued)).as("within the idle poll, with room for a slow machine")
        .isLessThan(DecisionLineWriter.IDLE_POLL.multipliedBy(20));
    writer.close();
  }

  @Test
  void closeWritesEveryQueuedLineAndLaterLinesAreStillWritten() {
    Recording out = new Recording();
    DecisionLineWriter writer = new DecisionLineWriter(out, 4_096, Duration.ofSeconds(10));
    for (int i = 0; i < 100; i++) {
      writer.publish(line("line " + i));
    }
    writer.close();
    assertThat(out.text().split("\n")).hasSize(100).startsWith("line 0").endsWith("line 99");
    writer.publish(line("after close"));
    assertThat(out.text()).endsWith("line 99\nafter close\n");
  }

  @Test
  void aFullQueueMakesTheCallerWaitRatherThanDropALine() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Recording slow = new Recording() {
      @Override
      public synchronized void write(byte[] b, int off, int len) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        super.write(b, off, len);
      }
    };
    DecisionLineWriter writer = new DecisionLineWriter(slow, 4, Duration.ZERO);
    Thread producer = new Thread(() -> {
      for (int i = 0; i < 50; i++) {
        writer.publish(line("l" + i));
      }
    });
    producer.start();
    producer.join(300);
    assertThat(producer.isAlive()).as("blocked on the full queue while stdout is stuck").isTrue();
    release.countDown();
    producer.join(5_000);
    writer.close();
    assertThat(slow.text().split("\n")).hasSize(50);
  }
}
