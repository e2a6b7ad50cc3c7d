#!/usr/bin/env bash
# Measures revoke-to-enforce: a control plane and two data-plane nodes (separate hosts, real PostgreSQL and
# RabbitMQ), 50 keys issued and revoked through the admin API; for each revocation, the time from the revoke
# call until each node rejects the key. Prints `revoke-to-enforce p50=<ms> p99=<ms>` as its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bash scripts/services.sh up >&2
mkdir -p bench/out
report="$(pwd)/bench/out/propagation.txt"
rm -f "$report"

IGW_PROPAGATION_REPORT="$report" dotnet test tests/EndToEnd.Tests -c Release -nologo -v:q \
  --filter "FullyQualifiedName~RevocationTests.Revocation_IsEnforcedOnEveryNode_MeasuredOver50Revocations" \
  --logger "console;verbosity=normal" >&2

if [ ! -s "$report" ]; then
  echo "the measurement did not produce a result" >&2
  exit 1
fi
tail -n 1 "$report"
