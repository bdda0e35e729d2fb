package dev.imagegate.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP ports a process listens on, as Linux tells it: the sockets among the process's open
 * files ({@code /proc/PID/fd}, {@code socket:[inode]}) that its network namespace's tables
 * ({@code /proc/PID/net/tcp}, {@code tcp6}) list in state LISTEN. No port is assumed: whatever
 * the process bound, on any address, is found.
 */
public final class ListeningPorts {
  /** {@code st} of a listening socket in /proc/net/tcp. */
  private static final String LISTEN = "0A";

  private ListeningPorts() {}

  public static Set<Integer> of(long pid) throws IOException {
    Set<String> sockets = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            sockets.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (NoSuchFileException closedMeanwhile) {
          // a file the process closed while we read the directory
        }
      }
    }
    Set<Integer> ports = new TreeSet<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path file = Path.of("/proc", String.valueOf(pid), "net", table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String row : Files.readAllLines(file).stream().skip(1).toList()) {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        String[] columns = row.trim().split("\\s+");
        if (columns[3].equals(LISTEN) && sockets.contains(columns[9])) {
          String local = columns[1];
          ports.add(Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
        }
      }
    }
    return ports;
  }
}
