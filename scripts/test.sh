#!/usr/bin/env bash
# Runs the whole test suite against the real servers (PostgreSQL, RabbitMQ, Redis) that scripts/services.sh
# installs and starts. Prints "N passed, N failed" as its last line; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash scripts/services.sh up >&2 || { echo "0 passed, 1 failed"; exit 1; }

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

dotnet build ControlPlane.sln -c Debug -warnaserror -nologo -v:q >&2
build=$?
if [ $build -ne 0 ]; then
  echo "the build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test ControlPlane.sln --no-build -c Debug --logger "trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" --blame-hang-timeout 10m >&2
rc=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ $rc -ne 0 ] && [ $failed -eq 0 ]; then
  # A test host crashed or hung: count it as a failure even though no test reported one.
  failed=1
fi

echo "$passed passed, $failed failed"
[ $rc -eq 0 ] && [ $failed -eq 0 ]
