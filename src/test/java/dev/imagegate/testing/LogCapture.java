package dev.imagegate.testing;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * What one logger logs while a test acts, as a reader would see the lines: the message with its
 * parameters filled in, whichever format style (printf, {0}) the code logged with.
 */
public final class LogCapture implements AutoCloseable {
  /** What an action returned, and the lines logged while it ran. */
  public record Captured<T>(T result, List<String> lines) {}

  private final Logger logger;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LogCapture(String loggerName) {
    this.logger = Logger.getLogger(loggerName);
    logger.addHandler(handler);
  }

  /** Captures from now until {@link #close()}. */
  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName);
  }

  /** The logger named after {@code type}, as Quarkus' {@code Log} and JBoss Logging name it. */
  public static LogCapture of(Class<?> type) {
    return of(type.getName());
  }

  /** What {@code action} returned and what the logger logged meanwhile. */
  public static <T> Captured<T> during(String loggerName, Callable<T> action) throws Exception {
    try (LogCapture capture = of(loggerName)) {
      T result = action.call();
      return new Captured<>(result, capture.lines());
    }
  }

  /** @see #during(String, Callable) */
  public static <T> Captured<T> during(Class<?> type, Callable<T> action) throws Exception {
    return during(type.getName(), action);
  }

  /** Every line so far. */
  public List<String> lines() {
    return records.stream().map(LogCapture::formatted).toList();
  }

  /** The lines at WARNING or above. */
  public List<String> warnings() {
    return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).map(LogCapture::formatted).toList();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }

  private static String formatted(LogRecord record) {
    Object[] parameters = record.getParameters();
    if (parameters == null || parameters.length == 0) {
      return record.getMessage();
    }
    if (record instanceof ExtLogRecord ext) {
      return ext.getFormattedMessage();
    }
    return new java.util.logging.SimpleFormatter().formatMessage(record);
  }
}
