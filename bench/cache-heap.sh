#!/usr/bin/env bash
# Memory benchmark: heap retained by the resolver's image cache holding N distinct images (default
# 10,000), each a realistic config (15 env entries, 20 history lines), after full GCs; run RUNS times
# (default 3) in fresh JVMs, prints each run and the median. See docs/benchmarks.md.
#
#   bench/cache-heap.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
RUNS=${RUNS:-3}
mvn -q -B test-compile
mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
out=$(mktemp)
for _ in $(seq 1 "$RUNS"); do
  java -Xmx512m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    dev.imagegate.bench.CacheHeapBench "$N" | tee -a "$out" | grep -v '^RETAINED_MIB'
done
echo "median retained by the cache for $N images: $(awk '/^RETAINED_MIB/ {print $2}' "$out" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') MiB (of $RUNS runs)"
rm -f "$out"
