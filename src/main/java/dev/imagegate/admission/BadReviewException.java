package dev.imagegate.admission;

/** A request body that is not an admission.k8s.io/v1 AdmissionReview; answered with 400 and this reason. */
final class BadReviewException extends Exception {
  BadReviewException(String reason) {
    super(reason);
  }
}
