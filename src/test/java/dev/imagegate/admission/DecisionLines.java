package dev.imagegate.admission;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The decision lines ({@link DecisionLog}) written while a piece of a test runs. */
final class DecisionLines {
  private DecisionLines() {}

  /** What {@code action} returned, and the decision lines written while it ran. */
  record Captured<T>(T result, List<String> lines) {}

  static <T> Captured<T> during(Callable<T> action) throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        lines.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger log = Logger.getLogger("imagegate.decision");
    log.addHandler(capture);
    try {
      return new Captured<>(action.call(), lines);
    } finally {
      log.removeHandler(capture);
    }
  }
}
