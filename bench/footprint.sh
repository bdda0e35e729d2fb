#!/usr/bin/env bash
# Footprint (issue 18): the packaged imagegate's resident memory, heap and CPU at idle and at a fixed
# rate of warm admissions (wrk, bench/warm/rate.lua, an apiserver-shaped 3-container Pod review,
# images cached), with the JVM flags of the chart's container. The third figure, during the
# 100,000-pod audit, comes from bench/audit-scale.sh. See docs/benchmarks.md, "Footprint".
#
#   bench/footprint.sh                       # IDLE=30 s idle, RATE=1000 req/s for DURATION=60 s
#   RATE=500 DURATION=30 bench/footprint.sh
#
# Environment: JAVA_OPTS (default: the chart's container, below), BODY (the review posted),
# IDLE, RATE, DURATION, SKIP_PACKAGE=1 to reuse target/quarkus-app, JAVA (default: java on the PATH;
# e.g. JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java for the JDK the image runs).
set -euo pipefail
cd "$(dirname "$0")/.."
IDLE=${IDLE:-30}
RATE=${RATE:-1000}
DURATION=${DURATION:-60}
BODY=${BODY:-src/main/resources/warmup/pod-3-containers.json}
PORT=${PORT:-18443}
MPORT=${MPORT:-19000}
# JAVA_OPTS defaults to the chart's container (bench/chart-jvm.sh).
. bench/chart-jvm.sh
build_for_bench

work=$(mktemp -d)
cleanup() {
  [ -n "${IG_PID:-}" ] && kill "$IG_PID" 2>/dev/null || true
  [ -n "${REG_PID:-}" ] && kill "$REG_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_bench_registry "$work"

IMAGEGATE_CONFIG="$work/config.yaml" QUARKUS_HTTP_SSL_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MPORT \
  "${JAVA:-java}" $JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar > "$work/imagegate.log" 2>&1 &
IG_PID=$!
until curl -sf "http://127.0.0.1:$MPORT/q/health/ready" >/dev/null; do
  kill -0 "$IG_PID" 2>/dev/null || { cat "$work/imagegate.log"; exit 1; }
  sleep 0.1
done

tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$IG_PID/stat"; }
rss() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$IG_PID/status"; }
hwm() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$IG_PID/status"; }
heap() { curl -s "http://127.0.0.1:$MPORT/q/metrics" | awk '/^jvm_memory_used_bytes\{area="heap"/ {s+=$NF} END {printf "%.1f", s/1048576}'; }
cores() { # CPU cores used between two tick counts over seconds
  awk -v a="$1" -v b="$2" -v s="$3" -v t="$tck" 'BEGIN { printf "%.3f", (b - a) / t / s }'; }

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== JVM: $("${JAVA:-java}" -version 2>&1 | head -1); $JAVA_OPTS"
echo "== ready: RSS $(rss) MiB, heap used $(heap) MiB"
t0=$(cpu_ticks); sleep "$IDLE"; t1=$(cpu_ticks)
echo "== idle ${IDLE} s after ready: RSS $(rss) MiB, heap used $(heap) MiB, CPU $(cores "$t0" "$t1" "$IDLE") cores"

# Warm the caches and the admission path (the start-up warm-up runs only with a cluster's budget).
for _ in $(seq 1 200); do curl -sk -o /dev/null -H 'Content-Type: application/json' --data-binary @"$BODY" "https://127.0.0.1:$PORT/validate?timeout=10s"; done
BODY=$BODY RATE=$RATE CONNECTIONS_PER_THREAD=50 wrk -t1 -c50 -d10s -s bench/warm/rate.lua "https://127.0.0.1:$PORT/validate?timeout=10s" >/dev/null

peak=0
( while kill -0 "$IG_PID" 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" > "$work/peak"; sleep 1; done ) &
sampler=$!
t0=$(cpu_ticks)
result=$(BODY=$BODY RATE=$RATE CONNECTIONS_PER_THREAD=50 wrk -t1 -c50 -d"${DURATION}s" -s bench/warm/rate.lua \
  "https://127.0.0.1:$PORT/validate?timeout=10s" | awk '/^RATE_RESULT/ {print $2, $3, $4, $5, $6, $7}')
t1=$(cpu_ticks)
kill "$sampler" 2>/dev/null || true
read -r got p50 p99 p999 answers bad <<< "$result"
echo "== $RATE admissions/s for ${DURATION} s ($(basename "$BODY"), achieved $got/s, p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms, $bad errors):"
echo "   RSS $(rss) MiB (peak during the run $(cat "$work/peak" 2>/dev/null || echo ?) MiB, process peak $(hwm) MiB), heap used $(heap) MiB," \
  "CPU $(cores "$t0" "$t1" "$DURATION") cores ($(awk -v a="$t0" -v b="$t1" -v n="$answers" -v t="$tck" 'BEGIN { printf "%.0f", (b - a) / t * 1e6 / n }') µs of CPU per admission)"
