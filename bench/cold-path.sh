#!/usr/bin/env bash
# Registry cold-path benchmark (docs/benchmarks.md, "Registry cold path").
# Usage: bench/cold-path.sh [images per row, default 500] [warm-up images, default 200]
# Needs what the tests need: Debian's docker-registry (/usr/bin/docker-registry); curl for the curl row.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
mvn -q -B test-compile
bench_classpath
echo "machine: $(machine); $(java -version 2>&1 | head -1); $(date -u +%Y-%m-%d)"
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  dev.imagegate.registry.ColdPathBenchmark "$@"
