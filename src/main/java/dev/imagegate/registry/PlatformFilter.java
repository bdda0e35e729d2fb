package dev.imagegate.registry;

import java.util.List;

/**
 * Which children of an image index to read: every child's manifest and config is a request (and
 * on Docker Hub, a pull counted), so the resolver reads only those whoever judges the image will
 * judge. The index itself says which platforms it has.
 */
@FunctionalInterface
public interface PlatformFilter {
  /** Every linux and windows child. */
  PlatformFilter ALL = offered -> offered;

  /**
   * @param offered the {@code os/architecture[/variant]} of each linux or windows child of the
   *     index, in index order (attestations left out)
   * @return those to read; a name chosen reads every child of that name (Windows builds)
   */
  List<String> choose(List<String> offered);
}
