#!/usr/bin/env bash
# First requests on JDK 25 with an AOT cache (JEP 483/514/515: classes loaded and linked, and method
# profiles, from a training run), against the same JDK without one. Trains once: the packaged jar on
# JDK 25 with -XX:AOTCacheOutput, the apiserver-like Go client sending the bench review for TRAIN
# seconds, then SIGTERM (the JVM writes the cache as it exits). TRAIN=0 trains on imagegate's own
# start-up warm-up alone (synthetic reviews through its port, no registry): what an image build
# could run without any traffic. Then runs bench/first-requests.sh
# twice on JDK 25 — without and with -XX:AOTCache — and prints both. The chart does not ship this:
# see docs/benchmarks.md, "JDK 25 AOT cache", for what it would take.
#
#   bench/aot-cache.sh                     # JDK25=/usr/lib/jvm/temurin-25-jdk-amd64 TRAIN=60 RUNS=3
#
# Needs: JDK 17, Maven, a JDK 25, Go, Debian's docker-registry.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
TRAIN=${TRAIN:-60}
RATE=${RATE:-200}
PORT=${PORT:-28443}
MPORT=${MPORT:-29000}
GO=${GO:-$(command -v go || echo /usr/lib/go-1.19/bin/go)}
JAR=target/quarkus-app/quarkus-run.jar
AOT=target/imagegate.aot

mvn -q -B package -DskipTests
bench_classpath
build_first_requests_client

work=$(mktemp -d)
trap bench_cleanup EXIT
start_bench_registry "$work"
rm -f "$AOT"
IMAGEGATE_CONFIG="$work/config.yaml" QUARKUS_HTTP_SSL_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MPORT \
  "$JDK25/bin/java" -XX:AOTCacheOutput="$AOT" -jar "$JAR" > "$work/training.log" 2>&1 &
IG_PID=$!
wait_ready "$MPORT" "$IG_PID" || { cat "$work/training.log"; exit 1; }
if [ "$TRAIN" -gt 0 ]; then
  target/first-requests-client -url "https://127.0.0.1:$PORT/validate?timeout=10s" \
    -body src/main/resources/warmup/pod-3-containers.json -rate "$RATE" -n $(( TRAIN * RATE )) > /dev/null
fi
kill "$IG_PID"; wait "$IG_PID" 2>/dev/null || true; IG_PID=
kill "$REG_PID"; wait "$REG_PID" 2>/dev/null || true; REG_PID=
[ -s "$AOT" ] || { echo "no AOT cache written" >&2; tail -20 "$work/training.log" >&2; exit 1; }
echo "AOT cache: $AOT, $(( $(stat -c %s "$AOT") / 1048576 )) MiB, trained ${TRAIN}s at $RATE req/s after the warm-up on $("$JDK25/bin/java" -version 2>&1 | head -1)"

export SKIP_PACKAGE=1 JAVA="$JDK25/bin/java" RATE PORT MPORT
echo "--- JDK 25 without an AOT cache"
bench/first-requests.sh
echo "--- JDK 25 with the AOT cache"
JAVA_OPTS="-XX:AOTCache=$AOT ${JAVA_OPTS:-}" bench/first-requests.sh
