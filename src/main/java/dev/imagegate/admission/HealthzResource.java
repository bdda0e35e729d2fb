package dev.imagegate.admission;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /healthz} on the webhook port: checks the path the apiserver takes (Service, port,
 * TLS) from inside the cluster, and is the trivial endpoint the benchmarks compare against.
 */
@Path("/healthz")
public class HealthzResource {
  @GET
  @Produces(MediaType.TEXT_PLAIN)
  public String ok() {
    return "ok";
  }
}
