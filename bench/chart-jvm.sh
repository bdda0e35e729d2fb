# Sourced by bench/audit-scale.sh and bench/footprint.sh: the JVM as the chart's default container
# runs it, and the build those benchmarks need.
#
# The chart's container: limits memory 768Mi, cpu 2; the image's flags InitialRAMPercentage=50,
# MaxRAMPercentage=50, ExitOnOutOfMemoryError, so a 384 MiB heap. A JVM that sees fewer than 1,792 MB
# picks the Serial collector; one CPU (ActiveProcessorCount=1) keeps it from using the second core
# the machine has for the load generator and the harness. All emulated here on the bare machine.
. bench/lib.sh   # bench_classpath
CHART_JVM="-Xms384m -Xmx384m -XX:+UseSerialGC -XX:ActiveProcessorCount=1 -XX:+ExitOnOutOfMemoryError"
JAVA_OPTS=${JAVA_OPTS:-$CHART_JVM}

# The packaged application (unless SKIP_PACKAGE is set), the test classes and their classpath.
build_for_bench() {
  [ -n "${SKIP_PACKAGE:-}" ] || mvn -q -B package -DskipTests
  mvn -q -B test-compile
  bench_classpath
}
