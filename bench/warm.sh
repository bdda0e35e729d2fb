#!/usr/bin/env bash
# Warm-path benchmark: the packaged imagegate over HTTPS with keep-alive, registry caches warm.
# Prints throughput at saturation (wrk) beside two references on the same server — the trivial
# GET /healthz (the ceiling) and a no-op POST that takes the same body as /validate and ignores it
# (the floor of any admission with that body) — and latency percentiles at fixed request rates (wrk
# with bench/warm/rate.lua), each the median of RUNS runs. See docs/benchmarks.md.
# The package measured is a benchmark build in target/bench: the product plus /bench/noop
# (src/bench/java, compiled only by the Maven profile bench).
#
#   bench/warm.sh                     # RUNS=3 DURATION=10 RATES="250 1000 2000"
#   RUNS=5 DURATION=20 bench/warm.sh
#   JFR=/tmp/imagegate.jfr bench/warm.sh   # also record a Java Flight Recorder profile of the server
#   JAVA_OPTS="-XX:+UseSerialGC -Xmx384m" bench/warm.sh   # JVM options for the server
#   BODIES="src/main/resources/warmup/pod-3-containers.json" bench/warm.sh   # only these reviews
#   FLOOR_RATES="250 1000" bench/warm.sh   # fixed rates for the no-op too (default 1000)
#   RULES_CONFIG=bench/warm/all-rules.yaml bench/warm.sh   # also these rules: appended to the configuration
#   REAL_HISTORIES=1 bench/warm.sh   # nginx, python and kong pushed with their real configs and histories
#
# Needs: JDK 17, Maven, and Debian's docker-registry and wrk (apt-get install docker-registry wrk);
# with h2load (apt-get install nghttp2-client) it also measures saturation over HTTP/2, which the
# apiserver speaks to webhooks.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
RATES=${RATES:-"250 1000 2000"}
CONNECTIONS=${CONNECTIONS:-32}
FLOOR_RATES=${FLOOR_RATES:-1000}
PORT=${PORT:-18443}
MPORT=${MPORT:-19000}

mvn -q -B package -DskipTests -Pbench
bench_classpath

work=$(mktemp -d)
trap bench_cleanup EXIT
start_bench_registry "$work" target/bench
[ -z "${RULES_CONFIG:-}" ] || cat "$RULES_CONFIG" >> "$work/config.yaml"

start=$(date +%s%N)
IMAGEGATE_CONFIG="$work/config.yaml" QUARKUS_HTTP_SSL_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MPORT \
  java ${JAVA_OPTS:-} ${JFR:+-XX:StartFlightRecording=settings=profile,filename=$JFR} -jar target/bench/quarkus-app/quarkus-run.jar > "$work/imagegate.log" 2>&1 &
IG_PID=$!
wait_ready "$MPORT" "$IG_PID" || { cat "$work/imagegate.log"; exit 1; }
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))

url="https://127.0.0.1:$PORT/validate?timeout=10s"
noop="https://127.0.0.1:$PORT/bench/noop?timeout=10s"
# Minimal reviews (only the fields that matter), and reviews as the apiserver sends them (defaults
# applied, managedFields, kubectl's last-applied annotation, status): 1.1 KB against 5.7 and 7.1 KB.
read -r -a bodies <<< "${BODIES:-bench/warm/pod-3-containers.json bench/warm/deployment-init.json src/main/resources/warmup/pod-3-containers.json src/main/resources/warmup/deployment-init.json}"
for body in "${bodies[@]}"; do   # warm the caches (and the JIT) before measuring
  for _ in $(seq 1 200); do curl -sk -o /dev/null -H 'Content-Type: application/json' --data-binary @"$body" "$url"; done
  BODY=$body wrk -t1 -c"$CONNECTIONS" -d3s -s bench/warm/post.lua "$url" >/dev/null
  BODY=$body wrk -t1 -c"$CONNECTIONS" -d3s -s bench/warm/post.lua "$noop" >/dev/null
done
wrk -t1 -c"$CONNECTIONS" -d5s "https://127.0.0.1:$PORT/healthz" >/dev/null

echo "imagegate warm path: $(machine), $(date -u +%Y-%m-%d)"
echo "ready after start: ${ready_ms} ms (process start to /q/health/ready, measured by this script)"
echo "runs=$RUNS duration=${DURATION}s connections=$CONNECTIONS (load generator on the same 2 cores) JAVA_OPTS=${JAVA_OPTS:-none} RULES_CONFIG=${RULES_CONFIG:-none} REAL_HISTORIES=${REAL_HISTORIES:-0}"
for body in "${bodies[@]}"; do   # what is measured: each review's answer
  printf '%-48s %6s bytes -> %s\n' "$body" "$(wc -c < "$body")" \
    "$(curl -sk -H 'Content-Type: application/json' --data-binary @"$body" "$url" | head -c 160)"
done

# Saturation, interleaved: each run measures the trivial endpoint, then every review and the no-op
# with the same body, so that each is compared with references of the same moment; a ratio is the
# median of the runs' ratios. Lines: name req/s trivial-req/s noop-req/s.
interleaved() { # measure: a command printing the req/s of "url [body]"
  local measure=$1 t v n
  for run in $(seq 1 "$RUNS"); do
    t=$($measure "https://127.0.0.1:$PORT/healthz")
    echo "trivial $t $t $t"
    for body in "${bodies[@]}"; do
      v=$($measure "$url" "$body")
      n=$($measure "$noop" "$body")
      echo "$body $v $t $n"
      echo "noop:$body $n $t $n"
    done
  done > "$work/saturation.txt"
}
wrk_rps() { BODY=${2:-} wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" ${2:+-s bench/warm/post.lua} "$1" | awk '/Requests\/sec/ {print $2}'; }
# HTTP/2 (what the apiserver uses): 4 connections, 16 concurrent streams each.
h2_rps() { h2load -D "$DURATION" -c 4 -m 16 ${2:+-d "$2" -H 'content-type: application/json'} "$1" 2>&1 | awk '/finished in/ {print $4}'; }
interleaved wrk_rps
saturation() { # name in saturation.txt, label
  local sat ratio floor
  sat=$(awk -v b="$1" '$1 == b {print $2}' "$work/saturation.txt" | median)
  ratio=$(awk -v b="$1" '$1 == b {print 100 * $2 / $3}' "$work/saturation.txt" | median)
  floor=$(awk -v b="$1" '$1 == b {print 100 * $2 / $4}' "$work/saturation.txt" | median)
  case $1 in
    trivial | noop:*) printf '%-34s %10s req/s  (%.0f%% of trivial)\n' "$2" "$sat" "$ratio" ;;
    *) printf '%-34s %10s req/s  (%.0f%% of trivial, %.0f%% of the no-op with the same body)\n' "$2" "$sat" "$ratio" "$floor" ;;
  esac
}
saturation trivial "trivial GET /healthz"
rates() { # body (empty: GET the trivial endpoint), url, [rates]
  local body=$1 target=$2
  for rate in ${3:-$RATES}; do
    # Fixed rate: 50 connections, each pausing between answer and next request (bench/warm/rate.lua).
    for run in $(seq 1 "$RUNS"); do
      BODY=$body RATE=$rate CONNECTIONS_PER_THREAD=50 wrk -t1 -c50 -d"${DURATION}s" -s bench/warm/rate.lua "$target" \
        | awk '/^RATE_RESULT/ {print $2, $3, $4, $5, $6, $7}'
    done > "$work/rate.txt"
    got=$(awk '{print $1}' "$work/rate.txt" | median)
    p50=$(awk '{print $2}' "$work/rate.txt" | median); p99=$(awk '{print $3}' "$work/rate.txt" | median)
    p999=$(awk '{print $4}' "$work/rate.txt" | median); n=$(awk '{print $5}' "$work/rate.txt" | median)
    errors=$(awk '{s+=$6} END {print s}' "$work/rate.txt")
    printf '  %5s req/s (achieved %s): p50 %6s ms  p99 %6s ms  p99.9 %6s ms  (%s answers per run, %s errors or non-2xx in all runs)\n' \
      "$rate" "$got" "$p50" "$p99" "$p999" "$n" "$errors"
  done
}
rates "" "https://127.0.0.1:$PORT/healthz"
for body in "${bodies[@]}"; do
  name=$(basename "$(dirname "$body")")/$(basename "$body" .json)
  saturation "$body" "$name"
  rates "$body" "$url"
  saturation "noop:$body" "  no-op, same body"
  rates "$body" "$noop" "$FLOOR_RATES"
done
if command -v h2load >/dev/null; then
  interleaved h2_rps
  echo "HTTP/2 (h2load -c 4 -m 16), saturation:"
  saturation trivial "trivial GET /healthz"
  for body in "${bodies[@]}"; do
    saturation "$body" "$(basename "$(dirname "$body")")/$(basename "$body" .json)"
    saturation "noop:$body" "  no-op, same body"
  done
fi
echo "heap used after the run: $(curl -s "http://127.0.0.1:$MPORT/q/metrics" | awk '/^jvm_memory_used_bytes\{area="heap"/ {s+=$NF} END {printf "%.1f MiB", s/1048576}')"
