#!/usr/bin/env bash
# Warm path of two builds side by side: the packaged imagegate at BEFORE (a git revision) and at AFTER
# (default: the work tree), both running at once against the same real registry, measured in
# alternation — before, after, before, after … — so both meet the same machine noise. Each run starts
# a fresh pair of JVMs (two JVMs of the same build differ by ±10 % after their own JIT decisions, so one
# pair measures luck). Prints, per review, saturation req/s (wrk, HTTP/1.1 keep-alive), p50/p99 and
# the server's CPU time per admission at a fixed rate, each the median of RUNS runs, and the
# after/before ratios. For a change that must leave the warm path no slower.
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
WARMUP=${WARMUP:-15}   # seconds of wrk per review and side after each start, before measuring
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
# a failed step (a JVM gone, wrk refused) stops the run under set -e: say which, with the tails of the app logs
trap 'echo "compare.sh: stopped at line $LINENO: $BASH_COMMAND" >&2; for f in "$work"/app-*.log; do [ -f "$f" ] && tail -20 "$f" >&2; done' ERR

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

start() { # side port management-port app-dir config
  IMAGEGATE_CONFIG="$5" QUARKUS_HTTP_SSL_PORT=$2 QUARKUS_MANAGEMENT_PORT=$3 \
    java ${JAVA_OPTS:-} -jar "$4/quarkus-run.jar" > "$work/app-$2.log" 2>&1 &
  pids+=($!)
  eval "pid_$1=$!"
  wait_ready "$3" "$!" || { cat "$work/app-$2.log"; exit 1; }
  # an older build may report ready before its webhook port listens: wait for the port as well
  for _ in $(seq 1 600); do curl -sk -o /dev/null "https://127.0.0.1:$2/" && return; sleep 0.05; done
  echo "port $2 never listened" >&2; exit 1
}
stop_both() {
  kill "$pid_before" "$pid_after" 2>/dev/null || true
  wait "$pid_before" "$pid_after" 2>/dev/null || true
}
url() { echo "https://127.0.0.1:$1/validate?timeout=10s"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system time of a process
hz=$(getconf CLK_TCK)

echo "warm path, before ($BEFORE) against after (${AFTER:-work tree}): $(machine), load $(cut -d' ' -f1 /proc/loadavg) at start, $(date -u +%Y-%m-%d)"
echo "after's extra configuration: ${AFTER_RULES_CONFIG:-none}; REAL_HISTORIES=${REAL_HISTORIES:-0}"
echo "runs=$RUNS, each a fresh pair of JVMs (start order alternating: one JVM's JIT luck is not the result), duration=${DURATION}s;"
echo "saturation with $CONNECTIONS connections, latency and server CPU per admission at $RATE req/s (wrk on the same cores)"
for run in $(seq 1 "$RUNS"); do
  if [ $((run % 2)) = 1 ]; then order="before after"; else order="after before"; fi
  for side in $order; do
    if [ "$side" = before ]; then start before 18443 19000 "$before_app" "$work/config.yaml"
    else start after 18444 19001 "$after_app" "$work/config-after.yaml"; fi
  done
  for port in 18443 18444; do   # caches and JIT warm on both sides
    for body in "${bodies[@]}"; do
      curl -sk -o /dev/null -H 'Content-Type: application/json' --data-binary @"$body" "$(url $port)"
      BODY=$body wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s bench/warm/post.lua "$(url $port)" >/dev/null
    done
  done
  i=0
  for body in "${bodies[@]}"; do
    i=$((i + 1))
    for side in $order; do
      if [ "$side" = before ]; then port=18443 pid=$pid_before; else port=18444 pid=$pid_after; fi
      sat=$(BODY=$body wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/warm/post.lua "$(url "$port")" | awk '/Requests\/sec/ {print $2}')
      ticks=$(cpu_ticks "$pid"); t0=$(date +%s%N)
      lat=$(BODY=$body RATE=$RATE CONNECTIONS_PER_THREAD=50 wrk -t1 -c50 -d"${DURATION}s" -s bench/warm/rate.lua "$(url "$port")" \
        | awk '/^RATE_RESULT/ {print $3, $4}')
      # server CPU microseconds per admission at the fixed rate (RATE x elapsed admissions)
      cpu=$(awk -v t=$(( $(cpu_ticks "$pid") - ticks )) -v hz="$hz" -v ns=$(( $(date +%s%N) - t0 )) -v r="$RATE" \
        'BEGIN {printf "%.1f", 1e6 * t / hz / (r * ns / 1e9)}')
      echo "$side $sat $lat $cpu" >> "$work/runs-$i.txt"
    done
  done
  stop_both
done
i=0
for body in "${bodies[@]}"; do
  i=$((i + 1))
  runs="$work/runs-$i.txt"
  printf '%s (%s bytes)\n' "$body" "$(wc -c < "$body")"
  for side in before after; do
    printf '  %-6s %9s req/s   p50 %6s ms   p99 %6s ms   CPU %6s us/admission\n' "$side" \
      "$(awk -v s=$side '$1 == s {print $2}' "$runs" | median)" \
      "$(awk -v s=$side '$1 == s {print $3}' "$runs" | median)" \
      "$(awk -v s=$side '$1 == s {print $4}' "$runs" | median)" \
      "$(awk -v s=$side '$1 == s {print $5}' "$runs" | median)"
  done
  # after/before of each run's pair, then the median of those ratios
  sat=$(awk '$1 == "before" {b[++nb]=$2} $1 == "after" {a[++na]=$2} END {for (k=1;k<=na;k++) print 100 * a[k] / b[k]}' "$runs" | median)
  cpu=$(awk '$1 == "before" {b[++nb]=$5} $1 == "after" {a[++na]=$5} END {for (k=1;k<=na;k++) print 100 * a[k] / b[k]}' "$runs" | median)
  printf '  after/before: saturation %.0f%%, CPU per admission at %s/s %.0f%% (medians of the %s pairs)\n' "$sat" "$RATE" "$cpu" "$RUNS"
done
