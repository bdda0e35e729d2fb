#!/usr/bin/env bash
# The admission path in-process (dev.imagegate.admission.AdmissionPathBench): reading, judging over
# the real resolver and caches, the decision line and the answer's bytes, without TLS or HTTP, for
# several configurations taking turns on one thread. Prints the median time and the bytes allocated
# per admission; the bytes are exact whatever else the machine runs, the time is not.
#
#   bench/admission-path.sh                                   # defaults against every optional rule on
#   ROUNDS=20 bench/admission-path.sh
#   CONFIGS="defaults= mine=/tmp/extra.yaml" bench/admission-path.sh   # NAME=file appended to the config
#
# Needs: JDK 17, Maven, Debian's docker-registry.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-10}
read -r -a configs <<< "${CONFIGS:-defaults= all-rules=bench/warm/all-rules.yaml}"
read -r -a bodies <<< "${BODIES:-bench/warm/pod-3-containers.json src/main/resources/warmup/pod-3-containers.json src/main/resources/warmup/deployment-init.json}"
mvn -q -B test-compile
bench_classpath
echo "$(machine), load $(cut -d' ' -f1 /proc/loadavg) at start, $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes')"
java ${JAVA_OPTS:-} -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.imagegate.admission.AdmissionPathBench "$ROUNDS" "${configs[@]}" -- "${bodies[@]}"
