package dev.imagegate.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json: wrong values fail `helm install`/`template` with the key named. */
class ChartSchemaTest {

  @ParameterizedTest(name = "{0}={1} is refused")
  @CsvSource(delimiter = '|', textBlock = """
      mode                                   | strict            | /mode
      mode                                   | off               | /mode
      rules.run-as-non-root.mode             | sometimes         | /rules/run-as-non-root/mode
      rules.run-as-non-root.requireNumericUser | maybe           | /rules/run-as-non-root/requireNumericUser
      rules.no-such-rule.mode                | off               | additional properties 'no-such-rule'
      rules.disallow-latest-tag.allowDigest  | true              | additional properties 'allowDigest'
      rules.image-size.maxCompressedSize     | lots              | /rules/image-size/maxCompressedSize
      rules.no-ssh-port.ports[0]             | 70000             | /rules/no-ssh-port/ports/0
      rules.no-build-tools.skipBaseImageSteps | true             | missing property 'mode'
      exemptions.namespace[0]                | dev               | additional properties 'namespace'
      registries.onError                     | ignore            | /registries/onError
      registries.timeout                     | 8                 | /registries/timeout
      registries.timeout                     | eight seconds     | /registries/timeout
      registries.platforms[0]                | amd64             | /registries/platforms/0
      registries.usePullSecrets              | yes please        | /registries/usePullSecrets
      cache.maxImages                        | 0                 | /cache/maxImages
      cache.tagTtl                           | 1 minute          | /cache/tagTtl
      audit.enabled                          | sometimes         | /audit/enabled
      audit.interval                         | hourly            | /audit/interval
      audit.concurrency                      | 9                 | /audit/concurrency
      audit.leaseName                        | Not_A_Name        | /audit/leaseName
      limits.maxImagesPerRequest             | 0                 | /limits/maxImagesPerRequest
      events.enabled                         | sometimes         | /events/enabled
      events.interval                        | soon              | /events/interval
      namespaceModes.enabled                 | maybe             | /namespaceModes/enabled
      namespaceModes.label                   | x                 | additional properties 'label'
      registries.maxRetries                  | 11                | /registries/maxRetries
      registries.maxConcurrentFetchesPerRegistry | 0             | /registries/maxConcurrentFetchesPerRegistry
      registries.caBundles.myhost            | relative/ca.crt   | /registries/caBundles/myhost
      cache.errorTtl                         | 5 seconds         | /cache/errorTtl
      cache.staleIfError                     | a day             | /cache/staleIfError
      rbac.events                            | true              | additional properties 'events'
      webhook.failurePolicy                  | Never             | /webhook/failurePolicy
      webhook.timeoutSeconds                 | 31                | /webhook/timeoutSeconds
      webhook.timeoutSeconds                 | 0                 | /webhook/timeoutSeconds
      webhook.sideEffects                    | Some              | /webhook/sideEffects
      webhook.excludeNamespaces[0]           | Not_A_Namespace   | /webhook/excludeNamespaces/0
      webhook.matchConditions[0].name        | only-a-name       | /webhook/matchConditions/0
      webhook.enabled                        | sometimes         | /webhook/enabled
      webhook.objectSelector.matchExpressions[0].operator | notin | /webhook/objectSelector/matchExpressions/0
      audit.namespaceSelector.matchLabels.a  | b                 | additional properties 'namespaceSelector'
      tls.cert                               | not a certificate | /tls/cert
      tls.validityDays                       | 0                 | /tls/validityDays
      certManager.issuerRef.kind             | Vault             | /certManager/issuerRef/kind
      certManager.duration                   | 90 days           | /certManager/duration
      replicaCount                           | 0                 | /replicaCount
      replicaCount                           | three             | /replicaCount
      image.tag                              | latest            | /image/tag
      image.digest                           | sha256:abc        | /image/digest
      image.pullPolicy                       | Sometimes         | /image/pullPolicy
      podSecurityContext.runAsUser           | 0                 | /podSecurityContext/runAsUser
      podSecurityContext.runAsNonRoot        | false             | /podSecurityContext/runAsNonRoot
      securityContext.allowPrivilegeEscalation | true            | /securityContext/allowPrivilegeEscalation
      securityContext.privileged             | true              | /securityContext/privileged
      securityContext.capabilities.drop[0]   | NET_RAW           | /securityContext/capabilities/drop
      securityContext.capabilities.add[0]    | SYS_ADMIN         | /securityContext/capabilities/add/0
      securityContext.seccompProfile.type    | Unconfined        | /securityContext/seccompProfile/type
      podSecurityContext.seccompProfile.type | Unconfined        | /podSecurityContext/seccompProfile/type
      resources.limits.memory                | lots              | /resources/limits/memory
      podAntiAffinity                        | always            | /podAntiAffinity
      topologySpread.whenUnsatisfiable       | Maybe             | /topologySpread/whenUnsatisfiable
      podDisruptionBudget.minAvailable       | half              | /podDisruptionBudget/minAvailable
      service.port                           | 70000             | /service/port
      networkPolicy.registryPorts[0]         | 0                 | /networkPolicy/registryPorts/0
      serviceMonitor.interval                | often             | /serviceMonitor/interval
      replicas                               | 3                 | additional properties 'replicas'
      """)
  void refuses(String key, String value, String named) {
    assertThatThrownBy(() -> HelmChart.template(Map.of(key, value)))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(named);
  }

  @ParameterizedTest(name = "{0}={1} is accepted")
  @CsvSource(delimiter = '|', textBlock = """
      mode                             | audit
      mode                             | warn
      rules.no-secrets-in-env.mode     | off
      rules.image-size.mode            | warn
      registries.timeout               | 500ms
      registries.timeout               | PT8S
      cache.tagTtl                     | 2h
      registries.onError               | allow
      image.digest                     | sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      podDisruptionBudget.minAvailable | 50%
      webhook.timeoutSeconds           | 30
      """)
  void accepts(String key, String value) {
    assertThatCode(() -> HelmChart.template(Map.of(key, value))).doesNotThrowAnyException();
  }

  @Test
  void everyKeyOfValuesYamlIsDescribedByTheSchema() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode values = yaml.readTree(HelmChart.DIR.resolve("values.yaml").toFile());
    JsonNode schema = new ObjectMapper().readTree(HelmChart.DIR.resolve("values.schema.json").toFile());
    assertThat(schema.path("additionalProperties").asBoolean(true)).as("unknown top-level keys are refused").isFalse();
    List<String> undescribed = new ArrayList<>();
    walk("", values, schema, undescribed);
    assertThat(undescribed).isEmpty();
  }

  /** Every key must have a schema node with a type, an enum, a const or alternatives. */
  private static void walk(String path, JsonNode value, JsonNode schema, List<String> undescribed) {
    if (!(schema.has("type") || schema.has("enum") || schema.has("const") || schema.has("anyOf"))) {
      undescribed.add(path);
    }
    if (value.isObject() && schema.has("properties")) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode child = schema.path("properties").path(field.getKey());
        if (child.isMissingNode()) {
          undescribed.add(path + "." + field.getKey());
        } else {
          walk(path + "." + field.getKey(), field.getValue(), child, undescribed);
        }
      }
    }
  }
}
