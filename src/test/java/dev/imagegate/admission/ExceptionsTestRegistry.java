package dev.imagegate.admission;

import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * {@link WebhookTestRegistry} with exceptions: one ending in five days (nginx as root in payments),
 * one that ended yesterday, and self-service annotations in {@code team-*} namespaces.
 */
public class ExceptionsTestRegistry extends WebhookTestRegistry {
  @Override
  protected String config(String registryHostPort) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    return super.config(registryHostPort) + """
        exceptions:
          - name: vendor-nginx
            rules: [run-as-non-root, require-healthcheck]
            namespaces: [payments]
            images: ["nginx:*"]
            reason: "vendor image runs as root; ticket OPS-1234"
            expires: %s
          - name: ended
            rules: ["*"]
            namespaces: [payments]
            workloads: ["Pod/legacy-*"]
            reason: "legacy job; ticket OPS-99"
            expires: %s
        exceptionsFromAnnotations:
          namespaces: ["team-*"]
        """.formatted(today.plusDays(5), today.minusDays(1));
  }
}
