#!/usr/bin/env bash
# Measures revoke-to-enforce over the real multi-process topology (tests/TestSupport/Topology): a control plane
# and three data-plane nodes as separate processes on PostgreSQL and a RabbitMQ node of their own (role users,
# nodes polling only every 10 minutes, so revocations travel the bus). 200 keys are issued and revoked through
# the admin API, the first 100 uncounted (warm-up); for the other 100, the time from the revoke call until each
# node refuses the key.
# Prints where the time goes (from the processes' own timestamps), then `revoke-to-enforce p50=<ms>ms p99=<ms>ms`
# next to its target as its last line. Needs root (it starts its own RabbitMQ node).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# PostgreSQL for the control plane (the broker is the topology's own); start the servers only when they are not running.
bash scripts/services.sh status >/dev/null 2>&1 || bash scripts/services.sh up >&2
mkdir -p bench/out
report="$(pwd)/bench/out/propagation.txt"
rm -f "$report"

dotnet build tests/Topology.Tests -c Release -nologo -v:q >&2
IGW_PROPAGATION_REPORT="$report" IGW_PROPAGATION_REVOCATIONS=100 dotnet test tests/Topology.Tests -c Release --no-build -nologo -v:q \
  --filter "FullyQualifiedName~PropagationMeasurementTests" --logger "console;verbosity=normal" >&2

if [ ! -s "$report" ]; then
  echo "the measurement did not produce a result" >&2
  exit 1
fi
cat "$report"
