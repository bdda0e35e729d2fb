#!/usr/bin/env bash
# Audit at scale (issue 18): the packaged imagegate, audit on, against a fake apiserver serving a
# generated cluster (dev.imagegate.bench.FakeApiServer) and the real distribution registry with the
# cluster's distinct images; the JVM as the chart runs it in its default 768Mi container.
# Reports whether the first full audit completes, how long it takes, heap (peak after GC during it,
# after a full GC at the end), RSS, API requests during the first audit and in the AFTER seconds
# after it, PolicyReport writes. See docs/benchmarks.md, "Audit at scale (issue 18)".
#
#   bench/audit-scale.sh                                  # 100,000 pods, 10,000 controllers, 500 namespaces, 2,000 images
#   PODS=20000 CONTROLLERS=2000 NAMESPACES=100 IMAGES=400 bench/audit-scale.sh
#
# Environment: PODS CONTROLLERS NAMESPACES IMAGES (the cluster), TIMEOUT (s allowed for the first
# audit, default 600), AFTER (s observed after it, default 300), EVENTS_PER_SECOND (MODIFIED pods on
# open watches, default 1), AUDIT_INTERVAL (default 1h), JAVA_OPTS (default: the chart's container,
# below), BASELINE=0 to skip the audit-off run, SKIP_PACKAGE=1 to reuse target/quarkus-app, KEEP=1 to
# keep the work directory (logs, GC log, class histogram).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
export PODS=${PODS:-100000} CONTROLLERS=${CONTROLLERS:-10000} NAMESPACES=${NAMESPACES:-500} IMAGES=${IMAGES:-2000}
export EVENTS_PER_SECOND=${EVENTS_PER_SECOND:-1} AUDIT_INTERVAL=${AUDIT_INTERVAL:-1h}
TIMEOUT=${TIMEOUT:-600}
AFTER=${AFTER:-300}
BASELINE=${BASELINE:-1}
PORT=${PORT:-18443}
MPORT=${MPORT:-19000}
# JAVA_OPTS defaults to the chart's container (bench/chart-jvm.sh).
. bench/chart-jvm.sh
build_for_bench

work=$(mktemp -d /tmp/audit-scale.XXXXXX)
harness=""
ig=""
cleanup() {
  [ -z "$ig" ] || kill "$ig" 2>/dev/null || true
  exec 3>&- 2>/dev/null || true
  [ -z "$harness" ] || { sleep 1; kill "$harness" 2>/dev/null || true; }
  [ -n "${KEEP:-}" ] && echo "kept: $work" || rm -rf "$work"
}
trap cleanup EXIT

echo "== $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); PODS=$PODS CONTROLLERS=$CONTROLLERS NAMESPACES=$NAMESPACES IMAGES=$IMAGES"
echo "== imagegate JVM: $JAVA_OPTS"
mkfifo "$work/in"
java -Xmx256m -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.imagegate.bench.AuditScaleBench "$work/config.yaml" < "$work/in" > "$work/harness.log" 2>&1 &
harness=$!
exec 3>"$work/in"
until grep -q '^READY' "$work/harness.log"; do
  kill -0 "$harness" 2>/dev/null || { cat "$work/harness.log"; exit 1; }
  sleep 0.5
done
grep -v '^READY' "$work/harness.log"
api=$(sed -n 's/^READY .* api=//p' "$work/harness.log")

counts() { curl -sf "$api/_bench/counts"; }

start_imagegate() { # config file, log file
  IMAGEGATE_CONFIG=$1 KUBERNETES_MASTER=$api \
    KUBERNETES_AUTH_TRYKUBECONFIG=false KUBERNETES_AUTH_TRYSERVICEACCOUNT=false \
    POD_NAMESPACE=imagegate POD_NAME=imagegate-bench-0 QUARKUS_HTTP_SSL_PORT=$PORT QUARKUS_MANAGEMENT_PORT=$MPORT \
    java $JAVA_OPTS -Xlog:gc:file="$work/gc-$(basename "$2" .log).log" -jar target/quarkus-app/quarkus-run.jar > "$2" 2>&1 &
  ig=$!
  until curl -sf "http://127.0.0.1:$MPORT/q/health/live" >/dev/null; do
    kill -0 "$ig" 2>/dev/null || { echo "imagegate exited at start:"; tail -20 "$2"; exit 1; }
    sleep 0.2
  done
}

heap_after_full_gc() { # MiB used after two full collections
  jcmd "$ig" GC.run >/dev/null; jcmd "$ig" GC.run >/dev/null
  jcmd "$ig" GC.heap_info | awk '/generation|garbage-first heap/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub("K", "", v); s += v } } END { printf "%.1f", s / 1024 }'
}

rss() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$ig/status"; }
cpu_seconds() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$ig/stat"; }
hwm() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$ig/status"; }

stop_imagegate() {
  kill "$ig" 2>/dev/null || true
  wait "$ig" 2>/dev/null || true
  ig=""
}

if [ "$BASELINE" = 1 ]; then
  awk '/^audit:/ { a = 1 } a && /enabled: true/ { sub("true", "false"); a = 0 } { print }' "$work/config.yaml" > "$work/config-off.yaml"
  start_imagegate "$work/config-off.yaml" "$work/imagegate-off.log"
  sleep 15 # namespace modes' informer lists and watches
  echo "== audit off (the webhook's working set): heap after full GC $(heap_after_full_gc) MiB, RSS $(rss) MiB"
  stop_imagegate
fi

before=$(counts)
t0=$(date +%s%N)
start_imagegate "$work/config.yaml" "$work/imagegate.log"
echo "== audit on: imagegate pid $ig started"
state=pending
peak_rss=0
while :; do
  if ! kill -0 "$ig" 2>/dev/null; then
    code=0; wait "$ig" || code=$?
    ig=""
    echo "== imagegate EXITED (code $code) $(( ($(date +%s%N) - t0) / 1000000 )) ms after start, before the first audit completed"
    grep -E 'OutOfMemory|Terminating|audit' "$work/imagegate.log" | tail -5
    break
  fi
  r=$(rss 2>/dev/null || true); r=${r:-0}; [ "$r" -gt "$peak_rss" ] && peak_rss=$r
  state=$(curl -sf "http://127.0.0.1:$MPORT/audit?namespace=ns-0000" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])' 2>/dev/null || echo "?")
  [ "$state" = complete ] && break
  if [ $(( ($(date +%s%N) - t0) / 1000000000 )) -ge "$TIMEOUT" ]; then
    echo "== TIMEOUT: the first audit did not complete in $TIMEOUT s (state $state)"
    break
  fi
  sleep 1
done
during=$(counts)
elapsed_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
gclog="$work/gc-imagegate.log"
peak_after_gc=$(grep Pause "$gclog" | grep -oE -- '->[0-9]+M' | tr -dc '0-9\n' | sort -n | tail -1)
gcs=$(grep -c Pause "$gclog" || true)
echo "== during the first audit: peak heap after a collection ${peak_after_gc} MiB ($gcs collections), peak RSS ${peak_rss} MiB"
if [ "$state" = complete ]; then
  curl -sf "http://127.0.0.1:$MPORT/audit?namespace=ns-0000" | python3 -c '
import json, sys
a = json.load(sys.stdin)
print("== first audit complete: %s s by its own clock (started %s), summary of ns-0000 %s, notes %s, policyReports %s" % (
    a.get("durationSeconds"), a.get("startedAt"), a.get("summary"), a.get("notes"), a.get("policyReports")))'
  grep -E 'audit: [0-9]+ workloads' "$work/imagegate.log" | tail -1
  echo "== process start to complete: $elapsed_ms ms; imagegate's CPU time until then $(cpu_seconds) s"
  echo "== after the first audit: heap after full GC $(heap_after_full_gc) MiB, RSS $(rss) MiB (peak $(hwm) MiB)"
  jcmd "$ig" GC.class_histogram | head -18 > "$work/histogram.txt"
  echo "== observing $AFTER s after the first audit"
  sleep "$AFTER"
  if kill -0 "$ig" 2>/dev/null; then
    echo "== $AFTER s later: heap after full GC $(heap_after_full_gc) MiB, RSS $(rss) MiB, CPU time since start $(cpu_seconds) s"
  else
    echo "== imagegate exited during the observation"
  fi
fi
after=$(counts)
python3 - "$before" "$during" "$after" "$AFTER" "$([ "$state" = complete ] && echo 1 || echo 0)" <<'EOF'
import json, sys
before, during, after = (json.loads(x) for x in sys.argv[1:4])
seconds, complete = int(sys.argv[4]), sys.argv[5] == "1"
def delta(a, b, what):
    return {k: v - a[what].get(k, 0) for k, v in b[what].items() if v - a[what].get(k, 0)}
first, first_bytes = delta(before, during, "requests"), delta(before, during, "bytes")
print("== API requests until the first audit completed (or the end): %d" % sum(v for k, v in first.items() if not k.startswith(("event", "bookmark"))))
for k, v in sorted(first.items()):
    print("   %-45s %8d   %10.1f MiB" % (k, v, first_bytes.get(k, 0) / 2**20))
if complete:
    later, later_bytes = delta(during, after, "requests"), delta(during, after, "bytes")
    n = sum(v for k, v in later.items() if not k.startswith(("event", "bookmark")))
    print("== API requests in the %d s after it: %d (%.0f per hour)" % (seconds, n, n * 3600 / max(seconds, 1)))
    for k, v in sorted(later.items()):
        print("   %-45s %8d   %10.1f MiB" % (k, v, later_bytes.get(k, 0) / 2**20))
print("== PolicyReports held by the apiserver: %d; open watches at the end: %d" % (after["policyReports"], after["openWatches"]))
EOF
[ ! -f "$work/histogram.txt" ] || { echo "== class histogram after the first audit (top):"; cat "$work/histogram.txt"; }
stop_imagegate
