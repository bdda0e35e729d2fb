package dev.imagegate.admission;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * The handler of the {@code imagegate.decision} logger: writes each decision line to standard output
 * as is (one JSON line), in batches, from a thread of its own.
 *
 * <p>Performance: a console handler writes and flushes each record on its own, and an asynchronous
 * one also wakes its thread for each: a large part of a cached admission's CPU (docs/benchmarks.md). Here the caller only queues the line, and never wakes a thread:
 * the writer looks at the queue every {@code linger} and writes what it finds in one call, so a
 * line is on stdout at most {@code linger} (plus the write) after its decision; while nothing comes
 * it looks less often, up to {@link #IDLE_POLL} apart. Nothing is dropped: when the queue is full
 * the caller waits, and {@link #close()} writes what is queued before returning.
 */
final class DecisionLineWriter extends Handler {
  /** The longest the writer sleeps while no decision comes. */
  static final Duration IDLE_POLL = Duration.ofMillis(100);

  private final BlockingQueue<String> lines;
  private final OutputStream out;
  private final Duration linger;
  private final Thread writer;
  private volatile boolean closed;

  DecisionLineWriter(OutputStream out, int capacity, Duration linger) {
    this.out = out;
    this.linger = linger;
    this.lines = new ArrayBlockingQueue<>(capacity);
    this.writer = new Thread(this::run, "imagegate-decision-writer");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void publish(LogRecord record) {
    if (record == null || record.getMessage() == null || !isLoggable(record)) {
      return;
    }
    if (closed) {
      write(List.of(record.getMessage())); // late lines during shutdown: written at once, not lost
      return;
    }
    try {
      lines.put(record.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      write(List.of(record.getMessage()));
      return;
    }
    if (closed) { // closed while we queued: the writer may have gone, write what is left ourselves
      List<String> rest = new ArrayList<>();
      lines.drainTo(rest);
      write(rest);
    }
  }

  private void run() {
    List<String> batch = new ArrayList<>();
    long lingerMillis = Math.max(1, linger.toMillis());
    long sleepMillis = lingerMillis;
    while (!closed || !lines.isEmpty()) {
      try {
        // Polled, not awaited: a caller that queues a line never has to wake this thread
        Thread.sleep(sleepMillis);
      } catch (InterruptedException e) {
        // close() interrupts the sleep: write what is queued
      }
      lines.drainTo(batch);
      if (batch.isEmpty()) {
        sleepMillis = Math.min(sleepMillis * 2, IDLE_POLL.toMillis());
        continue;
      }
      sleepMillis = lingerMillis;
      write(batch);
      batch.clear();
    }
  }

  private void write(List<String> batch) {
    if (batch.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder(batch.size() * 256);
    for (String line : batch) {
      text.append(line).append('\n');
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    try {
      // One call per batch: a PrintStream writes it under its lock, so other log lines never land inside it
      out.write(bytes, 0, bytes.length);
      out.flush();
    } catch (IOException | RuntimeException e) {
      reportError("decision lines not written: " + e.getClass().getSimpleName(), null, ErrorManager.WRITE_FAILURE);
    }
  }

  @Override
  public void flush() {
    // the writer thread flushes after every batch
  }

  /** Writes every queued line, then stops the writer thread. */
  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<String> rest = new ArrayList<>();
    lines.drainTo(rest);
    write(rest);
  }
}
