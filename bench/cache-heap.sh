#!/usr/bin/env bash
# Memory benchmark: heap retained by the resolver's image cache holding N distinct images (default
# 10,000), each a realistic config (15 env entries, 20 history lines), after full GCs; run RUNS times
# (default 3) in fresh JVMs, prints each run and the median. See docs/benchmarks.md.
#
#   bench/cache-heap.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
N=${1:-10000}
RUNS=${RUNS:-3}
mvn -q -B test-compile
bench_classpath
out=$(mktemp)
for _ in $(seq 1 "$RUNS"); do
  java -Xmx512m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    dev.imagegate.registry.CacheHeapBench "$N" | tee -a "$out" | grep -v '^RETAINED_MIB'
done
echo "$(machine), $(date -u +%Y-%m-%d): median retained by the cache for $N images: $(awk '/^RETAINED_MIB/ {print $2}' "$out" | median) MiB (of $RUNS runs)"
rm -f "$out"
