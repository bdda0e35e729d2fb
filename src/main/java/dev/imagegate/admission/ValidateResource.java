package dev.imagegate.admission;

import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.OnError;
import dev.imagegate.policy.LivePolicy;
import dev.imagegate.policy.PolicyEngine;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.quarkus.logging.Log;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /validate}: the endpoint the apiserver calls. Never answers 5xx: a body that is not a
 * review gets 400 with a reason, anything else gets an AdmissionReview.
 */
@Path("/validate")
public class ValidateResource {
  /** The apiserver's default webhook timeout, used when it sends none. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final AdmissionReviews reviews;
  private final AdmissionHandler handler;
  private final DecisionLog decisions;
  private final AdmissionMetrics metrics;
  private final AdmissionEvents events;
  private final AdmissionWarmup warmup;
  private final ExceptionExpiry expiry;
  private final LivePolicy policy;

  public ValidateResource(AdmissionReviews reviews, AdmissionHandler handler, DecisionLog decisions,
      AdmissionMetrics metrics, AdmissionEvents events, AdmissionWarmup warmup, ExceptionExpiry expiry, LivePolicy policy) {
    this.reviews = reviews;
    this.handler = handler;
    this.decisions = decisions;
    this.metrics = metrics;
    this.events = events;
    this.warmup = warmup;
    this.expiry = expiry;
    this.policy = policy;
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public CompletionStage<Response> validate(@QueryParam("timeout") String timeout,
      @HeaderParam(AdmissionWarmup.HEADER) String warmupToken, byte[] body) {
    long start = System.nanoTime();
    // The start-up warm-up's own requests: the same path, made-up images, nothing logged or counted.
    boolean synthetic = warmupToken != null && warmup.owns(warmupToken);
    AdmissionCall call;
    try {
      call = reviews.read(body);
    } catch (BadReviewException e) {
      metrics.rejected();
      Log.debugf("refused a request body: %s", e.getMessage());
      return CompletableFuture.completedFuture(
          Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN).entity(e.getMessage() + "\n").build());
    }
    // The configuration in force now judges this admission from start to end, whatever reload comes meanwhile.
    PolicyEngine engine = synthetic ? warmup.engine() : policy.engine();
    CompletableFuture<Decision> decision;
    try {
      decision = handler.decide(call, budget(timeout), engine);
    } catch (RuntimeException e) {
      decision = CompletableFuture.failedFuture(e);
    }
    return decision
        .exceptionally(error -> internalError(call, error, engine.config().registries().onError()))
        .thenApply(d -> {
          long nanos = System.nanoTime() - start;
          if (synthetic) {
            decisions.line(call, d, nanos); // formatted, never written
          } else {
            decisions.record(call, d, nanos);
            metrics.record(call.kindName(), d, nanos);
            events.record(call, d); // queued, never awaited; nothing for dry runs
            expiry.record(call, d);
          }
          // Serialised here with a writer resolved once, rather than by the framework's dynamic entity writer.
          return Response.ok(reviews.replyBytes(d.response()), MediaType.APPLICATION_JSON_TYPE).build();
        });
  }

  /** A bug of ours must not block the cluster, nor silently let everything in: onError decides. */
  private Decision internalError(AdmissionCall call, Throwable error, OnError onError) {
    Log.errorf(error, "internal error judging admission %s", call.uid());
    String what = "internal error judging this object (" + error.getClass().getSimpleName() + "); see imagegate's log";
    AdmissionResponse response = onError == OnError.DENY
        ? AdmissionResponses.deny(call.uid(), "imagegate: " + what)
        : AdmissionResponses.allowWithWarning(call.uid(), what);
    return Decision.skip(response, what);
  }

  /**
   * Registry work must end before the apiserver gives up on us: its timeout less a margin for
   * answering (a fifth of it, at least 250 ms, at most 1 s). Parsed per request: the value is a few
   * characters.
   */
  static Duration budget(String timeout) {
    Duration total = DEFAULT_TIMEOUT;
    if (timeout != null && !timeout.isBlank()) {
      try {
        total = ConfigLoader.duration(timeout);
      } catch (IllegalArgumentException e) {
        total = DEFAULT_TIMEOUT;
      }
    }
    long millis = total.toMillis();
    long margin = Math.min(1_000, Math.max(250, millis / 5));
    return Duration.ofMillis(Math.max(0, millis - margin));
  }
}
