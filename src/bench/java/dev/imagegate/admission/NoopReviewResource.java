package dev.imagegate.admission;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /bench/noop}, in benchmark builds only: takes a review's body exactly as {@code
 * /validate} does (same signature, thread and writer) and answers a fixed "allowed" without reading
 * it. What is left is the floor of any admission on this server — TLS, HTTP, Quarkus REST and the
 * body itself — which {@code bench/warm.sh} measures beside {@code /validate}. This source set is
 * compiled only by the Maven profile {@code bench} ({@code -Pbench}, or
 * {@code -Dimagegate.bench.noop-endpoint=true}), into {@code target/bench}: the product never holds it.
 */
@Path("/bench/noop")
public class NoopReviewResource {
  /** Written once: the no-op must cost nothing per request but receiving the body and answering. */
  private final byte[] answer;

  public NoopReviewResource(AdmissionReviews reviews) {
    this.answer = reviews.replyBytes(AdmissionResponses.allow("00000000-0000-0000-0000-000000000000"));
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public CompletionStage<Response> noop(@QueryParam("timeout") String timeout, byte[] body) {
    return CompletableFuture.completedFuture(Response.ok(answer, MediaType.APPLICATION_JSON_TYPE).build());
  }
}
