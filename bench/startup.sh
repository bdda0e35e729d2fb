#!/usr/bin/env bash
# Startup benchmark: process start to /q/health/ready of the packaged jar (JVM mode, built-in
# configuration, self-signed certificate generated at start), RUNS times (default 5); prints each
# and the median. See docs/benchmarks.md.
#
#   bench/startup.sh            # packages first; SKIP_PACKAGE=1 to reuse target/quarkus-app
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RUNS=${RUNS:-5}
PORT=${PORT:-18443}
MPORT=${MPORT:-19000}
[ -n "${SKIP_PACKAGE:-}" ] || mvn -q -B package -DskipTests
out=$(mktemp)
for _ in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  QUARKUS_HTTP_SSL_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MPORT java -jar target/quarkus-app/quarkus-run.jar >/dev/null 2>&1 &
  pid=$!
  wait_ready "$MPORT" "$pid"
  echo $(( ($(date +%s%N) - start) / 1000000 )) | tee -a "$out"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
echo "ready after start, median of $RUNS: $(median < "$out") ms"
rm -f "$out"
