package dev.imagegate.policy;

/**
 * A violation an exception lets through: neither a denial nor a warning, recorded with the
 * exception's name and reason wherever findings are shown.
 *
 * @param finding the violation, with the mode it would have had without the exception
 * @param exception the exception's name ({@code exceptions[].name}, or {@link Exceptions#ANNOTATION})
 * @param reason the exception's reason
 */
public record Excepted(Finding finding, String exception, String reason) {
  /** {@code container "NAME" (IMAGE): [RULE-ID] message (excepted by "EXCEPTION": reason)}. */
  public String describe() {
    return finding.describe() + " (excepted by \"" + exception + "\": " + reason + ")";
  }
}
