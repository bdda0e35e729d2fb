#!/usr/bin/env bash
# Warm path of two builds side by side: the packaged imagegate at BEFORE (a git revision) and at AFTER
# (default: the work tree), both running at once against the same real registry, measured in
# alternation — before, after, before, after … — so both meet the same machine noise. Prints, per
# review, saturation req/s (wrk, HTTP/1.1 keep-alive) and p50/p99 at a fixed rate, each the median of
# RUNS runs, and the after/before ratio. For a change that must leave the warm path no slower.
#
#   bench/compare.sh 5462885                 # that revision against the work tree
#   RUNS=5 DURATION=10 RATE=1000 bench/compare.sh 5462885 HEAD
#   BODIES="src/main/resources/warmup/pod-3-containers.json" bench/compare.sh 5462885
#   AFTER_RULES_CONFIG=bench/warm/all-rules.yaml bench/compare.sh main   # after also runs these rules
#   REAL_HISTORIES=1 bench/compare.sh main   # nginx, python and kong pushed with their real configs and histories
#
# Needs: JDK 17, Maven, Debian's docker-registry and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
BEFORE=${1:?usage: bench/compare.sh BEFORE [AFTER]}
AFTER=${2:-}
RUNS=${RUNS:-5}
DURATION=${DURATION:-5}
RATE=${RATE:-1000}
CONNECTIONS=${CONNECTIONS:-32}
read -r -a bodies <<< "${BODIES:-bench/warm/pod-3-containers.json src/main/resources/warmup/pod-3-containers.json src/main/resources/warmup/deployment-init.json}"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for tree in "$work"/tree-*; do [ -d "$tree" ] && git worktree remove --force "$tree" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Each side's product package, built from its own tree.
package() { # name revision-or-empty -> prints the package directory
  local name=$1 rev=$2 dir=.
  if [ -n "$rev" ]; then
    dir="$work/tree-$name"
    git worktree add -q --detach "$dir" "$rev"
  fi
  (cd "$dir" && mvn -q -B package -DskipTests -Dquarkus.package.output-directory="compare-$name" >&2)
  echo "$(cd "$dir" && pwd)/target/compare-$name"
}
before_app=$(package before "$BEFORE")
after_app=$(package after "$AFTER")
mvn -q -B test-compile
bench_classpath

# The real distribution registry with the benchmark's images, shared by both.
start_bench_registry "$work"
pids+=("$REG_PID")
# The after side may judge more (rules a before revision does not know): its own copy of the configuration.
cp "$work/config.yaml" "$work/config-after.yaml"
[ -z "${AFTER_RULES_CONFIG:-}" ] || cat "$AFTER_RULES_CONFIG" >> "$work/config-after.yaml"

start() { # app-dir port management-port config
  IMAGEGATE_CONFIG="$4" QUARKUS_HTTP_SSL_PORT=$2 QUARKUS_MANAGEMENT_PORT=$3 \
    java ${JAVA_OPTS:-} -jar "$1/quarkus-run.jar" > "$work/app-$2.log" 2>&1 &
  pids+=($!)
  wait_ready "$3" "$!" || { cat "$work/app-$2.log"; exit 1; }
}
start "$before_app" 18443 19000 "$work/config.yaml"
start "$after_app" 18444 19001 "$work/config-after.yaml"

url() { echo "https://127.0.0.1:$1/validate?timeout=10s"; }
for port in 18443 18444; do   # caches and JIT warm on both sides
  for body in "${bodies[@]}"; do
    curl -sk -o /dev/null -H 'Content-Type: application/json' --data-binary @"$body" "$(url $port)"
    BODY=$body wrk -t1 -c"$CONNECTIONS" -d5s -s bench/warm/post.lua "$(url $port)" >/dev/null
  done
done

echo "warm path, before ($BEFORE) against after (${AFTER:-work tree}): $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at start, $(date -u +%Y-%m-%d)"
echo "after's extra configuration: ${AFTER_RULES_CONFIG:-none}; REAL_HISTORIES=${REAL_HISTORIES:-0}"
echo "runs=$RUNS duration=${DURATION}s, alternating; saturation with $CONNECTIONS connections, latency at $RATE req/s (wrk on the same cores)"
for body in "${bodies[@]}"; do
  for run in $(seq 1 "$RUNS"); do
    for side in before:18443 after:18444; do
      port=${side#*:}
      sat=$(BODY=$body wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/warm/post.lua "$(url "$port")" | awk '/Requests\/sec/ {print $2}')
      lat=$(BODY=$body RATE=$RATE CONNECTIONS_PER_THREAD=50 wrk -t1 -c50 -d"${DURATION}s" -s bench/warm/rate.lua "$(url "$port")" \
        | awk '/^RATE_RESULT/ {print $3, $4}')
      echo "${side%%:*} $sat $lat"
    done
  done > "$work/runs.txt"
  printf '%s (%s bytes)\n' "$body" "$(wc -c < "$body")"
  for side in before after; do
    printf '  %-6s %9s req/s   p50 %6s ms   p99 %6s ms\n' "$side" \
      "$(awk -v s=$side '$1 == s {print $2}' "$work/runs.txt" | median)" \
      "$(awk -v s=$side '$1 == s {print $3}' "$work/runs.txt" | median)" \
      "$(awk -v s=$side '$1 == s {print $4}' "$work/runs.txt" | median)"
  done
  # after/before of each alternating pair, then the median of those ratios
  ratio=$(awk '$1 == "before" {b=$2} $1 == "after" {print 100 * $2 / b}' "$work/runs.txt" | median)
  printf '  after/before saturation: %.0f%% (median of the %s pairs)\n' "$ratio" "$RUNS"
done
