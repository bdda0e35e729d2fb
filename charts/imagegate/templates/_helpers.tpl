{{/* Chart name, truncated to the 63 characters of a label value. */}}
{{- define "imagegate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: release-chart, or the release name alone when it already contains the chart name. */}}
{{- define "imagegate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "imagegate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "imagegate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "imagegate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Standard labels on every object. */}}
{{- define "imagegate.labels" -}}
helm.sh/chart: {{ include "imagegate.chart" . }}
{{ include "imagegate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: admission-webhook
app.kubernetes.io/part-of: imagegate
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "imagegate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "imagegate.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image reference: repository:tag, repository:tag@digest or repository@digest. */}}
{{- define "imagegate.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The Secret with the serving certificate (tls.crt, tls.key) that the pods mount. */}}
{{- define "imagegate.tlsSecretName" -}}
{{- if and .Values.tls.existingSecret (not .Values.certManager.enabled) -}}
{{- .Values.tls.existingSecret -}}
{{- else -}}
{{- printf "%s-tls" (include "imagegate.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* DNS names the apiserver may use for the Service: all of them are SANs of the certificate. */}}
{{- define "imagegate.dnsNames" -}}
{{- $svc := include "imagegate.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns .Values.clusterDomain) | toJson -}}
{{- end -}}

{{/*
The chart-generated TLS material as YAML {ca, cert, key}, each base64 PEM. The same path serves
three sources, first match wins:
  1. tls.ca/tls.cert/tls.key given as values (a certificate of your own, or one kept from an
     earlier render by a tool that cannot look up, e.g. GitOps);
  2. on `helm upgrade`, the Secret this chart created before (lookup against the cluster), so an
     upgrade keeps the certificate instead of rotating it. Only on upgrade: an install has nothing
     of its own to keep, and renders without a cluster (helm template, helm-java) stay offline;
  3. a new CA and serving certificate (genCA/genSignedCert) with every Service DNS name as SAN.
*/}}
{{- define "imagegate.tlsMaterial" -}}
{{- $kept := dict -}}
{{- if or .Values.tls.ca .Values.tls.cert .Values.tls.key -}}
{{- if not (and .Values.tls.ca .Values.tls.cert .Values.tls.key) -}}
{{- fail "tls.ca, tls.cert and tls.key must be set together" -}}
{{- end -}}
{{- $kept = dict "ca.crt" (b64enc .Values.tls.ca) "tls.crt" (b64enc .Values.tls.cert) "tls.key" (b64enc .Values.tls.key) -}}
{{- else if .Release.IsUpgrade -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "imagegate.tlsSecretName" .) -}}
{{- if $existing -}}
{{- $kept = $existing.data | default dict -}}
{{- end -}}
{{- end -}}
{{- if and (index $kept "ca.crt") (index $kept "tls.crt") (index $kept "tls.key") -}}
ca: {{ index $kept "ca.crt" }}
cert: {{ index $kept "tls.crt" }}
key: {{ index $kept "tls.key" }}
{{- else -}}
{{- $dnsNames := include "imagegate.dnsNames" . | fromJsonArray -}}
{{- $days := int .Values.tls.validityDays -}}
{{- $ca := genCA (printf "%s-ca" (include "imagegate.fullname" .)) $days -}}
{{- $cert := genSignedCert (index $dnsNames 2) nil $dnsNames $days $ca -}}
ca: {{ $ca.Cert | b64enc }}
cert: {{ $cert.Cert | b64enc }}
key: {{ $cert.Key | b64enc }}
{{- end -}}
{{- end -}}

{{/* Whether the pod talks to the Kubernetes API at all (then, and only then, a token is mounted). */}}
{{- define "imagegate.needsApi" -}}
{{- if or .Values.namespaceModes.enabled .Values.events.enabled .Values.registries.usePullSecrets .Values.audit.enabled .Values.cache.prewarm -}}
true
{{- end -}}
{{- end -}}

{{/* imagegate's configuration file: the config values, without the chart's own keys. */}}
{{- define "imagegate.config" -}}
{{- $registries := omit .Values.registries "dockerConfigSecret" "dockerConfig" -}}
{{- if .Values.registries.dockerConfigSecret.name -}}
{{- $_ := set $registries "dockerConfig" "/etc/imagegate/docker/config.json" -}}
{{- else if .Values.registries.dockerConfig -}}
{{- $_ := set $registries "dockerConfig" .Values.registries.dockerConfig -}}
{{- end -}}
{{- /* The audit judges what the webhook registration selects: the same selectors, rendered once. */ -}}
{{- $audit := deepCopy .Values.audit -}}
{{- $_ := set $audit "namespaceSelector" (include "imagegate.namespaceSelector" . | fromYaml) -}}
{{- with .Values.webhook.objectSelector }}
{{- $_ := set $audit "objectSelector" . -}}
{{- end }}
{{- $config := dict "mode" .Values.mode "rules" .Values.rules "exemptions" .Values.exemptions "registries" $registries "cache" .Values.cache "namespaceModes" .Values.namespaceModes "events" .Values.events "audit" $audit "limits" .Values.limits -}}
{{- $config = mustMergeOverwrite (deepCopy $config) (deepCopy .Values.extraConfig) -}}
{{- toYaml $config -}}
{{- end -}}

{{/*
The configuration keys imagegate reads only at start (RestartOnlyKeys; docs/deployment.md "Live
configuration"), from the rendered file: their checksum rolls the pods when one changes. Every other
key is reloaded live from the ConfigMap, without a restart.
*/}}
{{- define "imagegate.restartOnlyConfig" -}}
{{- $config := include "imagegate.config" . | fromYaml -}}
{{- $cache := $config.cache | default dict -}}
{{- $registries := $config.registries | default dict -}}
{{- $restartOnly := dict "audit" ($config.audit | default dict) "events" ($config.events | default dict) "namespaceModes" ($config.namespaceModes | default dict) "warmup" ($config.warmup | default dict) "cache" (pick $cache "prewarm" "prewarmBudget") "registries" (pick $registries "usePullSecrets" "dockerConfig") -}}
{{- toJson $restartOnly -}}
{{- end -}}

{{/*
The namespaces the apiserver sends to imagegate, as a LabelSelector: the webhook's namespaceSelector
and the audit's, from this one definition. Never kube-system, never imagegate's own namespace (so
imagegate can always restart itself), never a namespace labelled imagegate.dev/ignore=true; with
namespace modes on, never one labelled imagegate.dev/mode=off (imagegate allows it at once anyway;
its label values are case-insensitive to imagegate); then the user's webhook.namespaceSelector.
*/}}
{{- define "imagegate.namespaceSelector" -}}
{{- $expressions := list
  (dict "key" "kubernetes.io/metadata.name" "operator" "NotIn" "values" (concat (list "kube-system" .Release.Namespace) .Values.webhook.excludeNamespaces | uniq))
  (dict "key" "imagegate.dev/ignore" "operator" "NotIn" "values" (list "true")) -}}
{{- if .Values.namespaceModes.enabled -}}
{{- $expressions = append $expressions (dict "key" "imagegate.dev/mode" "operator" "NotIn" "values" (list "off" "Off" "OFF")) -}}
{{- end -}}
{{- $expressions = concat $expressions (.Values.webhook.namespaceSelector.matchExpressions | default list) -}}
{{- $selector := dict "matchExpressions" $expressions -}}
{{- with .Values.webhook.namespaceSelector.matchLabels -}}
{{- $_ := set $selector "matchLabels" . -}}
{{- end -}}
{{- toYaml $selector -}}
{{- end -}}

{{/* sideEffects: NoneOnDryRun while imagegate writes Events (never on dry-run), else None. */}}
{{- define "imagegate.sideEffects" -}}
{{- if .Values.webhook.sideEffects -}}
{{- .Values.webhook.sideEffects -}}
{{- else if .Values.events.enabled -}}
NoneOnDryRun
{{- else -}}
None
{{- end -}}
{{- end -}}

{{/*
Whether to install the CRD of .kind (.group/.version, .plural) ("true" or empty), per
reports.installCrds: true, false, or auto: when the cluster does not serve the kind yet (on install:
the API versions Helm discovered; an offline render such as helm template discovers none), or, on
upgrade, when the CRD there is this release's own (lookup), so an upgrade keeps managing it. Kyverno's
or Policy Reporter's CRDs are never replaced. Lookups only on upgrade: installs render offline.
*/}}
{{- define "imagegate.installCrd" -}}
{{- $setting := toString .root.Values.reports.installCrds -}}
{{- if eq $setting "true" -}}
true
{{- else if eq $setting "auto" -}}
{{- if .root.Release.IsUpgrade -}}
{{- $existing := lookup "apiextensions.k8s.io/v1" "CustomResourceDefinition" "" (printf "%s.%s" .plural .group) -}}
{{- if not $existing -}}
true
{{- else -}}
{{- $annotations := $existing.metadata.annotations | default dict -}}
{{- if and (eq (index $annotations "meta.helm.sh/release-name" | default "") .root.Release.Name) (eq (index $annotations "meta.helm.sh/release-namespace" | default "") .root.Release.Namespace) -}}
true
{{- end -}}
{{- end -}}
{{- else if not (.root.Capabilities.APIVersions.Has (printf "%s/%s/%s" .group .version .kind)) -}}
true
{{- end -}}
{{- end -}}
{{- end -}}

{{/* corev1.ObjectReference, as a structural schema. */}}
{{- define "imagegate.objectReferenceSchema" -}}
type: object
x-kubernetes-map-type: atomic
properties:
  apiVersion: {type: string}
  fieldPath: {type: string}
  kind: {type: string}
  name: {type: string}
  namespace: {type: string}
  resourceVersion: {type: string}
  uid: {type: string}
{{- end -}}

{{/* metav1.LabelSelector, as a structural schema. */}}
{{- define "imagegate.labelSelectorSchema" -}}
type: object
x-kubernetes-map-type: atomic
properties:
  matchExpressions:
    type: array
    x-kubernetes-list-type: atomic
    items:
      type: object
      required: [key, operator]
      properties:
        key: {type: string}
        operator: {type: string}
        values:
          type: array
          x-kubernetes-list-type: atomic
          items: {type: string}
  matchLabels:
    type: object
    additionalProperties: {type: string}
{{- end -}}

{{/*
The schema of a PolicyReport (wgpolicyk8s.io/v1alpha2) or, with .openReports, of an OpenReports
Report (openreports.io/v1alpha1), which adds source and configuration; the rest is the same API.
*/}}
{{- define "imagegate.reportSchema" -}}
type: object
properties:
  apiVersion: {type: string}
  kind: {type: string}
  metadata: {type: object}
  {{- if .openReports }}
  source:
    description: The tool that wrote every result of the report.
    type: string
  configuration:
    type: object
    required: [limits]
    properties:
      limits:
        type: object
        properties:
          maxResults: {type: integer}
          statusFilter:
            type: array
            items: {type: string, enum: [pass, fail, warn, error, skip]}
  {{- end }}
  scope:
    description: What the report is about (e.g. a Namespace).
    {{- include "imagegate.objectReferenceSchema" . | nindent 4 }}
  scopeSelector:
    {{- include "imagegate.labelSelectorSchema" . | nindent 4 }}
  summary:
    type: object
    properties:
      pass: {type: integer}
      fail: {type: integer}
      warn: {type: integer}
      error: {type: integer}
      skip: {type: integer}
  results:
    type: array
    items:
      type: object
      required: [policy]
      properties:
        source: {type: string}
        policy: {type: string}
        rule: {type: string}
        category: {type: string}
        severity: {type: string, enum: [critical, high, low, medium, info]}
        timestamp:
          type: object
          required: [nanos, seconds]
          properties:
            seconds: {type: integer, format: int64}
            nanos: {type: integer, format: int32}
        result: {type: string, enum: [pass, fail, warn, error, skip]}
        scored: {type: boolean}
        resources:
          type: array
          items:
            {{- include "imagegate.objectReferenceSchema" . | nindent 12 }}
        resourceSelector:
          {{- include "imagegate.labelSelectorSchema" . | nindent 10 }}
        message: {type: string}
        properties:
          type: object
          additionalProperties: {type: string}
{{- end -}}
