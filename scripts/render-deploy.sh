#!/usr/bin/env bash
# Regenerates deploy/imagegate.yaml from charts/imagegate (default values, certManager.enabled=true)
# through the same Helm library the chart tests use: needs only JDK 17 and Maven, no helm binary.
# DeployManifestTest (run by `mvn test` in CI) fails while the checked-in file differs from a fresh render.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test -Dtest=dev.imagegate.chart.DeployManifestTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dimagegate.deploy.write=true
echo "deploy/imagegate.yaml is up to date"
