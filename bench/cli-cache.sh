#!/usr/bin/env bash
# `imagegate check` from a cold JVM, as a CI job runs it on every push: a 20-document manifest set
# (Deployments, StatefulSets, CronJobs and Services over 7 images) judged against the benchmark
# registry (the real distribution registry, mirroring docker.io), RUNS times each, in alternation so
# every variant meets the same machine noise:
#   version   `check --version`: the JVM and the jar alone (Quarkus does not start)
#   offline   `check --offline -f …`: the JVM, Quarkus and the engine, no registry
#   warm      `check -f …` with the disk cache warmed by one run before: one HEAD per tag
#   no-cache  `check --no-cache -f …`: every manifest and config read from the registry
# Prints each variant's median and spread (min–max) in ms, the machine and the load average.
# See docs/benchmarks.md, "CLI cold start".
#
#   bench/cli-cache.sh                 # packages first; SKIP_PACKAGE=1 to reuse target/quarkus-app
#   RUNS=20 bench/cli-cache.sh
#   JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" bench/cli-cache.sh   # JVM options for every run
#
# Needs: JDK 17, Maven, Debian's docker-registry.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RUNS=${RUNS:-10}
[ -n "${SKIP_PACKAGE:-}" ] || mvn -q -B package -DskipTests
bench_classpath

work=$(mktemp -d)
trap 'bench_cleanup; rm -rf "$work"' EXIT
start_bench_registry "$work"

# The manifest set: 20 documents in 4 files, as an application's k8s/ directory holds them.
mkdir -p "$work/k8s"
deployment() { # name image [second-image]
  cat <<YAML
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1, namespace: shop}
spec:
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
      securityContext: {runAsUser: 1000, runAsNonRoot: true}
      containers:
      - name: $1
        image: $2
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
        env:
        - {name: LOG_LEVEL, value: info}
${3:+      - name: sidecar
        image: $3}
YAML
}
statefulset() { # name image
  cat <<YAML
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: $1, namespace: shop}
spec:
  serviceName: $1
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
      containers:
      - {name: $1, image: $2}
YAML
}
cronjob() { # name image
  cat <<YAML
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: $1, namespace: shop}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - {name: $1, image: $2}
YAML
}
service() { # name
  printf -- '---\napiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: shop}\nspec:\n  selector: {app: %s}\n  ports: [{port: 80, targetPort: 8080}]\n' "$1" "$1"
}
{
  deployment api acme/api:2.4.1 nginx:1.27; deployment shop acme/shop:3.1.0; deployment web nginx:1.27
  deployment gateway kong:3.8; deployment worker python:3.12; service api; service shop
} > "$work/k8s/apps.yaml"
{
  deployment admin acme/shop:3.1.0 nginx:1.27; deployment search acme/api:2.4.1; deployment reports python:3.12
  deployment static nginx:1.27; deployment edge kong:3.8; service web; service gateway
} > "$work/k8s/more-apps.yaml"
{ statefulset queue python:3.12; statefulset cache nginx:1.27; statefulset store acme/shop:3.1.0; } > "$work/k8s/stateful.yaml"
{ cronjob migrate acme/migrate:2.4.1; cronjob shop-migrations acme/shop-migrations:3.1.0; cronjob cleanup python:3.12; } > "$work/k8s/jobs.yaml"
documents=$(grep -c '^kind:' "$work"/k8s/*.yaml | awk -F: '{s+=$2} END {print s}')
[ "$documents" = 20 ] || { echo "expected 20 documents, made $documents"; exit 1; }

jar=target/quarkus-app/quarkus-run.jar
cache="$work/cache"
check() { java ${JAVA_OPTS:-} -jar "$jar" check "$@"; }
args=(-f "$work/k8s" --config "$work/config.yaml" --cache-dir "$cache" -o json)

# One run warms the cache; its report is the one every other registry run must give.
check "${args[@]}" > "$work/expected.json" 2> "$work/warm-up.err" || [ $? = 1 ] || { cat "$work/warm-up.err"; exit 1; }
echo "warm-up run: $(find "$cache" -name '*.json' | wc -l) digests cached; $(grep -o '"text" *: *"[^"]*"' "$work/expected.json")"

declare -A commands=(
  [version]="check --version"
  [offline]="check ${args[*]} --offline"
  [warm]="check ${args[*]}"
  [no-cache]="check ${args[*]} --no-cache"
)
variants=(version offline warm no-cache)
for v in "${variants[@]}"; do : > "$work/$v.ms"; done
for _ in $(seq 1 "$RUNS"); do
  for v in "${variants[@]}"; do
    start=$(date +%s%N)
    ${commands[$v]} > "$work/$v.out" 2> "$work/$v.err" || [ $? = 1 ] || { echo "$v failed:"; cat "$work/$v.err"; exit 1; }
    echo $(( ($(date +%s%N) - start) / 1000000 )) >> "$work/$v.ms"
    if [ "$v" = warm ] || [ "$v" = no-cache ]; then
      cmp -s "$work/$v.out" "$work/expected.json" || { echo "$v gave another report than the warm-up run"; exit 1; }
    fi
  done
done

echo "imagegate check, $documents documents, $RUNS cold JVM runs each (JAVA_OPTS=${JAVA_OPTS:-none}), median [min-max] ms:"
for v in "${variants[@]}"; do
  printf '  %-9s %6s  [%s-%s]\n' "$v" "$(median < "$work/$v.ms")" "$(sort -n "$work/$v.ms" | head -1)" "$(sort -n "$work/$v.ms" | tail -1)"
done
echo "machine: $(machine); java: $(java -version 2>&1 | head -1); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
