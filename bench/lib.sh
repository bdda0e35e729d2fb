# Shared by the bench/*.sh scripts: sourced (after `cd` to the repository root), never run.

# target/bench.classpath: the test-scope dependency classpath the Java harnesses run with.
bench_classpath() {
  mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
}

# The real distribution registry with the benchmark's images (dev.imagegate.bench.BenchRegistry),
# standing in for Docker Hub; it writes the imagegate configuration that mirrors docker.io to it to
# WORK/config.yaml. BUILD holds classes/ and test-classes/ (default target; target/bench for a
# -Pbench build). Sets REG_PID; the registry runs until the script exits (fd 3 holds its stdin open).
#   start_bench_registry WORK [BUILD]
start_bench_registry() {
  local work=$1 build=${2:-target}
  mkfifo "$work/registry.in"
  java -cp "$build/test-classes:$build/classes:$(cat target/bench.classpath)" dev.imagegate.bench.BenchRegistry \
    "$work/config.yaml" < "$work/registry.in" > "$work/registry.out" 2>&1 &
  REG_PID=$!
  exec 3>"$work/registry.in"
  for _ in $(seq 1 300); do grep -q READY "$work/registry.out" 2>/dev/null && break; sleep 0.1; done
  grep -q READY "$work/registry.out" || { cat "$work/registry.out"; exit 1; }
}

# Waits until imagegate's management port reports ready; fails if PID (when given) exits first.
#   wait_ready MANAGEMENT_PORT [PID]
wait_ready() {
  until curl -sf "http://127.0.0.1:$1/q/health/ready" >/dev/null; do
    [ -z "${2:-}" ] || kill -0 "$2" 2>/dev/null || return 1
    sleep 0.02
  done
}

# For `trap bench_cleanup EXIT`: stops the imagegate (IG_PID) and the registry (REG_PID) the script started.
bench_cleanup() {
  [ -n "${IG_PID:-}" ] && kill "$IG_PID" 2>/dev/null || true
  [ -n "${REG_PID:-}" ] && kill "$REG_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}

# The median of the numbers on standard input, one a line (of an even count, the mean of the middle two).
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# The machine a figure was measured on: cores, CPU model, memory.
machine() {
  echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM"
}

# target/first-requests-client: the apiserver-like Go client (bench/first-requests/client.go); GO names the toolchain.
build_first_requests_client() {
  GOCACHE=${GOCACHE:-$PWD/target/go-cache} "$GO" build -o target/first-requests-client bench/first-requests/client.go
}
