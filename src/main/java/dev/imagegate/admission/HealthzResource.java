package dev.imagegate.admission;

import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /healthz} on the webhook port: checks the path the apiserver takes (Service, port,
 * TLS) from inside the cluster, and is the trivial endpoint the benchmarks compare against.
 * Answered on the event loop like {@code /validate}: a blocking endpoint would hand each probe to a
 * worker thread and back (a third of its cost), and would make the benchmarks' ceiling too low.
 */
@Path("/healthz")
public class HealthzResource {
  @GET
  @NonBlocking
  @Produces(MediaType.TEXT_PLAIN)
  public String ok() {
    return "ok";
  }
}
