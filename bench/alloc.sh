#!/usr/bin/env bash
# Bytes allocated per request by bare YARP, the data-plane node and the node without its access log: a figure that
# does not depend on machine load (see bench/README.md, "Allocations per request"). Builds bench/Benchmarks in Release
# into bench/out/artifacts like bench/run.sh, then runs `InferenceGateway.Benchmarks alloc` (everything in-process,
# loopback only, free ports). BENCH_ALLOC_REQUESTS (default 5000) requests per pass; BENCH_SKIP_BUILD=1 reuses a build.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ARTIFACTS=$ROOT/bench/out/artifacts
DLL=$ARTIFACTS/bin/Benchmarks/release/InferenceGateway.Benchmarks.dll
mkdir -p "$ROOT/bench/out/logs"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$DLL" ]; then
  dotnet build "$ROOT/bench/Benchmarks/Benchmarks.csproj" -c Release --artifacts-path "$ARTIFACTS" -nologo -v:q \
    >"$ROOT/bench/out/logs/alloc-build.log" 2>&1 || { tail -n 30 "$ROOT/bench/out/logs/alloc-build.log" >&2; exit 1; }
fi
cd "$ROOT/bench/out"
DOTNET_gcServer=0 DOTNET_gcConcurrent=0 Logging__LogLevel__Default=Error \
  dotnet "$DLL" alloc --requests "${BENCH_ALLOC_REQUESTS:-5000}" 2>"$ROOT/bench/out/logs/alloc.log"
