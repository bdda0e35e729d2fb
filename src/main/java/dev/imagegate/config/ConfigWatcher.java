package dev.imagegate.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Tells when the configuration file's content changes. A ConfigMap volume never rewrites the file:
 * the kubelet writes a new directory and swaps the {@code ..data} symlink the file points through, so
 * the file's DIRECTORY is watched, and any change there leads to a re-read (after {@code settle}, so
 * that a burst of events reads once). The file is also re-read every {@code interval} whatever the
 * events say: a watch can miss changes (an overflow, a file system without inotify). Only a content
 * whose hash differs from the last one handed over is handed over, so an unrelated file in the same
 * directory costs one read and nothing more.
 */
public final class ConfigWatcher implements AutoCloseable {
  /** What the watcher hands over; called on the watcher's own thread, one call at a time. */
  public interface Listener {
    /** The file now holds another content than the last one handed over. */
    void changed(ConfigFile file);

    /** The file cannot be read now (said once per distinct failure). */
    void unreadable(ConfigException failure);
  }

  private static final Logger LOG = Logger.getLogger(ConfigWatcher.class);

  private final Path file;
  private final Duration interval;
  private final Duration settle;
  private final Listener listener;
  private final ScheduledExecutorService checks;
  private final AtomicBoolean checkPending = new AtomicBoolean();
  /** The hash last handed over, or the failure last told; the checks thread's alone. */
  private String lastSeen;
  private volatile WatchService watch;

  /**
   * @param seen the hash of the content in force: not handed over again
   * @param interval how often the file is re-read whatever the events say
   * @param settle how long after an event the file is read
   */
  public ConfigWatcher(Path file, String seen, Duration interval, Duration settle, Listener listener) {
    this.file = file.toAbsolutePath();
    this.lastSeen = seen;
    this.interval = interval;
    this.settle = settle;
    this.listener = listener;
    this.checks = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "imagegate-config-reload");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts watching the directory and the periodic re-reads; returns at once. */
  public void start() {
    Path directory = file.getParent();
    try {
      WatchService service = FileSystems.getDefault().newWatchService();
      directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
      watch = service;
      Thread watcher = new Thread(() -> watch(service), "imagegate-config-watch");
      watcher.setDaemon(true);
      watcher.start();
    } catch (IOException | RuntimeException e) {
      LOG.warnf("cannot watch %s (%s): configuration changes are picked up by the re-read every %s only", directory, e.getMessage(),
          interval);
    }
    long every = Math.max(1, interval.toMillis());
    checks.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
  }

  private void watch(WatchService service) {
    try {
      while (true) {
        WatchKey key = service.take();
        key.pollEvents(); // whatever changed in the directory (the ..data swap, an edit, an overflow): read again
        key.reset();
        soon();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ClosedWatchServiceException e) {
      // closed
    }
  }

  /** A re-read after {@code settle}, unless one is pending already. */
  private void soon() {
    if (checkPending.compareAndSet(false, true)) {
      try {
        checks.schedule(() -> {
          checkPending.set(false);
          check();
        }, settle.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // closing
      }
    }
  }

  /** Reads the file; hands over a content not seen before, or a failure not told before. */
  private void check() {
    try {
      ConfigFile read;
      try {
        read = ConfigFile.read(file);
      } catch (ConfigException e) {
        String failure = "unreadable: " + e.getMessage();
        if (!failure.equals(lastSeen)) {
          lastSeen = failure;
          listener.unreadable(e);
        }
        return;
      }
      if (!read.hash().equals(lastSeen)) {
        lastSeen = read.hash();
        listener.changed(read);
      }
    } catch (RuntimeException e) { // a scheduled task that throws is never run again
      LOG.warnf(e, "re-reading the configuration file %s failed", file);
    }
  }

  @Override
  public void close() {
    checks.shutdownNow();
    WatchService service = watch;
    if (service != null) {
      try {
        service.close();
      } catch (IOException e) {
        // nothing left to do
      }
    }
  }
}
