#!/usr/bin/env bash
# First-requests benchmark: how fast a fresh replica answers right after it reports ready. Starts the
# packaged jar (target/quarkus-app), waits for /q/health/ready, then an apiserver-like Go client
# (bench/first-requests/client.go: net/http, HTTP/2 over TLS, one connection) sends the
# apiserver-shaped 3-container Pod review at a fixed rate. Measured per run: the time to ready, the
# latency of the first N admissions after readiness, and — same process, same run — of N admissions
# after WARM seconds of traffic at the same rate (the warm reference). RUNS runs, medians printed.
# See docs/benchmarks.md, "First requests after readiness".
#
# Images cached, as in the scenario measured: the registry is the real distribution registry with
# the images (BenchRegistry); one untimed request after readiness opens the connection and reads
# the review's three images into the cache, then the timed series starts.
#
#   bench/first-requests.sh                       # RUNS=3 RATE=200 N=1000 WARM=30
#   CONFIG=$'warmup:\n  budget: 0s' bench/first-requests.sh    # more configuration (here: no warm-up)
#   JAVA_OPTS="-XX:+UseSerialGC" bench/first-requests.sh            # server JVM options
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/first-requests.sh   # another runtime
#   SKIP_PACKAGE=1 JAR=/tmp/other/quarkus-run.jar bench/first-requests.sh
#   HTTP1=1 bench/first-requests.sh               # HTTP/1.1 keep-alive instead of HTTP/2
#
# Needs: JDK 17, Maven, Go (apt-get install golang-1.19 docker-registry).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RUNS=${RUNS:-3}
RATE=${RATE:-200}
N=${N:-1000}
WARM=${WARM:-30}
BODY=${BODY:-src/main/resources/warmup/pod-3-containers.json}
JAR=${JAR:-target/quarkus-app/quarkus-run.jar}
PORT=${PORT:-28443}
MPORT=${MPORT:-29000}
GO=${GO:-$(command -v go || echo /usr/lib/go-1.19/bin/go)}
JAVA=${JAVA:-java}   # the runtime imagegate runs on (a JDK 25 for its AOT cache, say)

if [ -z "${SKIP_PACKAGE:-}" ]; then
  mvn -q -B package -DskipTests
fi
bench_classpath
build_first_requests_client

work=$(mktemp -d)
trap bench_cleanup EXIT
start_bench_registry "$work"
[ -z "${CONFIG:-}" ] || printf '%s\n' "$CONFIG" >> "$work/config.yaml"

url="https://127.0.0.1:$PORT/validate?timeout=10s"
client() { target/first-requests-client -url "$url" -body "$BODY" -rate "$RATE" ${HTTP1:+-http1} "$@"; }
# p50 p99 max of a file of latencies (ms), nearest-rank percentiles
stats() { sort -n "$1" | awk '{a[NR]=$1} END {printf "%.2f %.2f %.2f", a[int(NR*0.50+0.5)], a[int(NR*0.99+0.5)], a[NR]}'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system time of a process

echo "imagegate first requests: $(machine), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $("$JAVA" -version 2>&1 | head -1); JAVA_OPTS=${JAVA_OPTS:-none}; jar $JAR; configuration added: ${CONFIG:-none}"
echo "client: Go net/http, ${HTTP1:+HTTP/1.1}${HTTP1:-HTTP/2}, $RATE req/s, body $BODY; first $N after ready, warm $N after ${WARM}s"
printf '%-4s %8s | %-26s | %-26s | %s\n' run ready_ms "first $N: p50 p99 max" "warm $N: p50 p99 max" "first p99 / warm p99 | server CPU time, footprint"
for run in $(seq 1 "$RUNS"); do
  if curl -s -o /dev/null "http://127.0.0.1:$MPORT/q/health/ready"; then
    echo "port $MPORT already answers: another server would be measured; set PORT and MPORT" >&2; exit 1
  fi
  start=$(date +%s%N)
  IMAGEGATE_CONFIG="$work/config.yaml" QUARKUS_HTTP_SSL_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MPORT \
    "$JAVA" ${JAVA_OPTS:-} -jar "$JAR" > "$work/imagegate-$run.log" 2>&1 &
  IG_PID=$!
  # Ready, and the webhook port open (the management port can answer first).
  until curl -sf "http://127.0.0.1:$MPORT/q/health/ready" >/dev/null && curl -skf "https://127.0.0.1:$PORT/healthz" >/dev/null; do
    kill -0 "$IG_PID" 2>/dev/null || { cat "$work/imagegate-$run.log"; exit 1; }
    sleep 0.02
  done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  idle_rss=$(awk '/VmRSS/ {print $2}' "/proc/$IG_PID/status")
  # CPU time the server spends on the first N and on N warm admissions: the cold work left after
  # readiness, as a figure that other processes on the machine hardly change (latency they do).
  cpu_start=$(cpu_ticks "$IG_PID")
  client -n "$N" > "$work/first-$run.txt"
  cpu_first=$(( $(cpu_ticks "$IG_PID") - cpu_start ))
  client -n $(( WARM * RATE )) > /dev/null
  cpu_before=$(cpu_ticks "$IG_PID"); t_before=$(date +%s%N)
  client -n "$N" > "$work/warm-$run.txt"
  cpu_warm=$(( $(cpu_ticks "$IG_PID") - cpu_before ))
  hz=$(getconf CLK_TCK)
  cpu=$(awk -v c="$cpu_warm" -v hz="$hz" -v ns="$(( $(date +%s%N) - t_before ))" 'BEGIN {printf "%.2f", c / hz / (ns / 1e9)}')
  cpu_ratio=$(awk -v f="$cpu_first" -v w="$cpu_warm" 'BEGIN {printf "%.1f", f / (w > 0 ? w : 1)}')
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$IG_PID/status")
  kill "$IG_PID"; wait "$IG_PID" 2>/dev/null || true; IG_PID=
  read -r f50 f99 fmax <<< "$(stats "$work/first-$run.txt")"
  read -r w50 w99 wmax <<< "$(stats "$work/warm-$run.txt")"
  ratio=$(awk -v f="$f99" -v w="$w99" 'BEGIN {printf "%.1f", f / w}')
  echo "$ready $f50 $f99 $fmax $w50 $w99 $wmax $ratio $(( idle_rss / 1024 )) $(( rss / 1024 )) $cpu $cpu_ratio" >> "$work/runs.txt"
  printf '%-4s %8s | %8s %8s %8s | %8s %8s %8s | %sx | CPU s first %s warm %s (%sx) | RSS ready %s MiB, after %s MiB; %s cores at %s/s warm\n' \
    "$run" "$ready" "$f50" "$f99" "$fmax" "$w50" "$w99" "$wmax" "$ratio" "$(awk -v t="$cpu_first" -v hz="$hz" 'BEGIN {printf "%.2f", t / hz}')" \
    "$(awk -v t="$cpu_warm" -v hz="$hz" 'BEGIN {printf "%.2f", t / hz}')" "$cpu_ratio" $(( idle_rss / 1024 )) $(( rss / 1024 )) "$cpu" "$RATE"
  # The first run's first second by second: where the slow answers are.
  if [ "$run" = 1 ]; then
    awk -v r="$RATE" '{s=int((NR-1)/r); n[s]++; v[s, n[s]]=$1} END {for (i in n) {m=n[i]; asort_n=0; for (j=1;j<=m;j++) b[j]=v[i,j]; for (x=2;x<=m;x++){t=b[x];y=x-1;while(y>0&&b[y]>t){b[y+1]=b[y];y--}b[y+1]=t}; printf "  second %d after ready: p50 %.2f p99 %.2f max %.2f ms\n", i, b[int(m*0.5+0.5)], b[int(m*0.99+0.5)], b[m]}}' "$work/first-$run.txt" | sort -k2n
  fi
done
col() { awk -v c="$1" '{print $c}' "$work/runs.txt" | median; }
echo "median of $RUNS: ready $(col 1) ms; first $N p50 $(col 2) p99 $(col 3) max $(col 4) ms; warm p50 $(col 5) p99 $(col 6) max $(col 7) ms; first p99 / warm p99 $(col 8)x; RSS at ready $(col 9) MiB, after $(col 10) MiB; CPU warm $(col 11) cores; CPU time first / warm $(col 12)x"
