#!/usr/bin/env bash
# Proxy benchmark on loopback: one small Kestrel upstream, measured directly, through nginx, through bare YARP
# (defaults) and through a data-plane node (the full request path). See bench/README.md.
#
#   bash bench/run.sh
#
# Prints progress on stderr and, on stdout, a table whose last line is exactly
#   dp/nginx=<ratio> dp/nginx-policy=<ratio> dp/yarp=<ratio> dp-jwt/dp=<ratio> dp-cluster/dp=<ratio>
# (ratios of median requests/s; nginx-policy is nginx doing the node's policy, see bench/README.md; dp-jwt is the
# same node and route called with a platform access token instead of the API key, target >= 0.95; dp-cluster is a
# second node whose plan counts both rate limits cluster-wide in Redis, target >= 0.95). The table
# also goes to bench/out/results.txt; raw wrk outputs, per-round
# numbers and process logs stay under bench/out/.
#
# Settings (environment, with defaults):
#   BENCH_ROUNDS=3        interleaved rounds; each round runs every variant once (warm-up, then measured run)
#   BENCH_WARMUP=3        seconds of warm-up before each measured run
#   BENCH_DURATION=10     seconds of each measured run
#   BENCH_PRIME=15        seconds of load on each .NET proxy once before round 1 (0: none); .NET needs ~10-15 s of
#                         load to finish tiered JIT compilation, far more than one warm-up run. Each .NET process gets
#                         the same total: a node serving one variant as much as dp's node for dp and dp-jwt together
#   BENCH_CONNECTIONS=32  wrk -c
#   BENCH_THREADS=1       wrk -t
#   BENCH_PORT_BASE=18080 upstream on BASE, nginx on BASE+1, yarp on BASE+2, data plane on BASE+3, nginx-policy on BASE+5
#   BENCH_SKIP_BUILD=0    1 to reuse the existing Release build under bench/out/artifacts
#   BENCH_DP_ENV=         extra VAR=value settings for the node's process, for experiments (e.g. DOTNET_GCgen0size=0x4000000)
#   BENCH_DP_NOLOG=0      1 to add a diagnostic variant "dp-nolog": a second node (BASE+4) without the access-log
#                         file (not in the ratio line; it shows what the access log costs)
#   BENCH_DP_NOMETER=1    0 to leave out "dp-nometer": the same node with usage metering off
#                         (DataPlane__Metering__Enabled=false, access log on as for dp) on BASE+6; the summary gives
#                         dp/dp-nometer, the cost of metering (target: within 3%)
#   BENCH_DP_CLUSTER=1    0 to leave out "dp-cluster": the same snapshot with cluster-wide rate limits, on BASE+7,
#                         counted in the Redis at BENCH_REDIS (a key prefix of the run's own; nothing else touched)
#   BENCH_REDIS=127.0.0.1:6379  the Redis dp-cluster leases from
#   BENCH_VARIANTS=       the variants to measure, space-separated (default: all), e.g. "dp dp-nometer" for metering's
#                         cost alone; every process still starts, and a summary line whose variants were left out is omitted
#   BENCH_METER_BLOCKS=1  back-to-back blocks dp, dp-nometer, dp-nometer, dp per round (0: none), in bench/out/metering.tsv;
#                         the metering line is the median over blocks of each block's ratio (req/s and CPU per request)
#   BENCH_CLUSTER_BLOCKS=1  the same for dp and dp-cluster (dp, dp-cluster, dp-cluster, dp), in bench/out/cluster.tsv; the
#                         cluster line gives the blocks' median ratio and what Redis did per 1,000 requests (bench/out/redis.tsv)
#
# Needs root only to install wrk, nginx and curl when they are missing (apt). Needs neither PostgreSQL nor RabbitMQ:
# the node runs with the in-memory bus and serves from an encrypted snapshot on disk. dp-cluster needs the Redis
# that scripts/services.sh starts (BENCH_REDIS).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
ARTIFACTS=$OUT/artifacts
LOGS=$OUT/logs
WRK_OUT=$OUT/wrk

ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP:-3}
DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-1}
PORT_BASE=${BENCH_PORT_BASE:-18080}
PRIME=${BENCH_PRIME:-15}
SKIP_BUILD=${BENCH_SKIP_BUILD:-0}
DP_NOLOG=${BENCH_DP_NOLOG:-0}
DP_NOMETER=${BENCH_DP_NOMETER:-1}
DP_CLUSTER=${BENCH_DP_CLUSTER:-1}
METER_BLOCKS=${BENCH_METER_BLOCKS:-1}
CLUSTER_BLOCKS=${BENCH_CLUSTER_BLOCKS:-1}
REDIS=${BENCH_REDIS:-127.0.0.1:6379}

UP_PORT=$PORT_BASE
NGINX_PORT=$((PORT_BASE + 1))
YARP_PORT=$((PORT_BASE + 2))
DP_PORT=$((PORT_BASE + 3))
DP_NOLOG_PORT=$((PORT_BASE + 4))
NGINX_POLICY_PORT=$((PORT_BASE + 5))
DP_NOMETER_PORT=$((PORT_BASE + 6))
DP_CLUSTER_PORT=$((PORT_BASE + 7))
REQUEST_PATH=/t/bench/echo/v1/completions
VARIANTS=(direct nginx nginx-policy yarp dp dp-jwt)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

START_SECONDS=$SECONDS
log() { printf '[bench %3ds] %s\n' "$((SECONDS - START_SECONDS))" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for v in ROUNDS WARMUP DURATION CONNECTIONS THREADS PORT_BASE PRIME; do
  [[ ${!v} =~ ^[0-9]+$ ]] && { [ "${!v}" -gt 0 ] || [ $v = PRIME ]; } || die "BENCH_$v must be a positive integer (got '${!v}')"
done

# ---------------------------------------------------------------------------------------------------------------
# Processes: every one this script starts is recorded here and stopped on exit, whatever the exit path.
PIDS=()
NAMES=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    # nginx's master stops its own workers (a worker stopped alone would be replaced); they get KILL only if left over.
    [ "${NAMES[i]}" = nginx-worker ] && continue
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
  done
  for ((i = 0; i < 40; i++)); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.25
  done
  for ((i = 0; i < ${#PIDS[@]}; i++)); do
    pid=${PIDS[i]}
    if kill -0 "$pid" 2>/dev/null; then
      log "${NAMES[i]} (pid $pid) did not stop; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

track() { # name pid
  NAMES+=("$1")
  PIDS+=("$2")
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_http() { # name url pid seconds [header]: until the URL answers 200 (fails early if the process died)
  local name=$1 url=$2 pid=$3 seconds=$4 header=${5:-X-Bench: 1} i
  for ((i = 0; i < seconds * 10; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited during start; its log:"
      tail -n 40 "$LOGS/$name.log" >&2 || true
      return 1
    fi
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$header" "$url" 2>/dev/null)" = 200 ] && return 0
    sleep 0.1
  done
  log "$name did not answer 200 on $url within $seconds s; its log:"
  tail -n 40 "$LOGS/$name.log" >&2 || true
  return 1
}

# ---------------------------------------------------------------------------------------------------------------
# 1. Tools
apt_install() { # packages...
  [ "$(id -u)" -eq 0 ] || die "installing $* needs root"
  log "installing $* with apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "$@" >"$LOGS/apt.log" 2>&1 \
    || { apt-get update -q >>"$LOGS/apt.log" 2>&1 && apt-get install -y -q --no-install-recommends "$@" >>"$LOGS/apt.log" 2>&1; } \
    || { tail -n 20 "$LOGS/apt.log" >&2; die "apt-get install $* failed"; }
}

mkdir -p "$OUT" "$LOGS" "$WRK_OUT"
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v curl >/dev/null || missing+=(curl)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is not on PATH"
CLK_TCK=$(getconf CLK_TCK)

for p in $UP_PORT $NGINX_PORT $NGINX_POLICY_PORT $YARP_PORT $DP_PORT $([ "$DP_NOLOG" = 1 ] && echo $DP_NOLOG_PORT) $([ "$DP_NOMETER" = 1 ] && echo $DP_NOMETER_PORT) $([ "$DP_CLUSTER" = 1 ] && echo $DP_CLUSTER_PORT); do
  port_open "$p" && die "port $p on 127.0.0.1 is in use; choose other ports with BENCH_PORT_BASE"
done

# ---------------------------------------------------------------------------------------------------------------
# 2. Build (Release, own artifacts path: never the obj/ folders under src/)
BENCH_DLL=$ARTIFACTS/bin/Benchmarks/release/InferenceGateway.Benchmarks.dll
DP_DIR=$ARTIFACTS/bin/DataPlane/release
if [ "$SKIP_BUILD" = 1 ] && [ -f "$BENCH_DLL" ] && [ -f "$DP_DIR/InferenceGateway.DataPlane.dll" ]; then
  log "reusing the existing Release build (BENCH_SKIP_BUILD=1)"
else
  log "building bench/Benchmarks and src/DataPlane (Release, artifacts in bench/out/artifacts)"
  if ! dotnet build "$ROOT/bench/Benchmarks/Benchmarks.csproj" -c Release --artifacts-path "$ARTIFACTS" -nologo -v:q \
    >"$LOGS/build.log" 2>&1; then
    grep -E 'error|Error' "$LOGS/build.log" | tail -n 30 >&2 || tail -n 30 "$LOGS/build.log" >&2
    die "the build failed (bench/out/logs/build.log)"
  fi
fi
[ -f "$BENCH_DLL" ] || die "missing $BENCH_DLL after the build"
[ -f "$DP_DIR/InferenceGateway.DataPlane.dll" ] || die "missing the data-plane build in $DP_DIR"

# ---------------------------------------------------------------------------------------------------------------
# 3. Start everything
RUN=$OUT/run
rm -rf "$RUN" "$WRK_OUT"/* "$OUT"/access.log* "$OUT"/access-nometer.log* "$OUT"/access-cluster.log* "$OUT/nginx-policy-access.log"
mkdir -p "$RUN/state" "$RUN/nginx/logs" "$RUN/nginx/tmp"

log "starting the upstream on 127.0.0.1:$UP_PORT"
(cd "$RUN" && exec dotnet "$BENCH_DLL" upstream --port "$UP_PORT") >"$LOGS/upstream.log" 2>&1 &
UP_PID=$!
track upstream $UP_PID
wait_http upstream "http://127.0.0.1:$UP_PORT/" $UP_PID 30 || die "the upstream did not start"

log "writing the data-plane snapshot"
SNAPSHOT_KEY=$(head -c 32 /dev/urandom | base64 -w0)
printed=$(dotnet "$BENCH_DLL" snapshot --dir "$RUN/state" --upstream "http://127.0.0.1:$UP_PORT" --key-file "$RUN/api-key" \
  --snapshot-key "$SNAPSHOT_KEY" --cluster-dir "$RUN/state-cluster" 2>"$LOGS/snapshot.log") || { cat "$LOGS/snapshot.log" >&2; die "writing the snapshot failed"; }
[ "$printed" = "$SNAPSHOT_KEY" ] || die "the snapshot tool used another key than the one given"
API_KEY=$(cat "$RUN/api-key")
AUTH_VALUE="Bearer $API_KEY"
AUTH="Authorization: $AUTH_VALUE"
# The snapshot also holds a platform issuer and an OAuth client: its access token (at+jwt, two hours) for dp-jwt.
JWT=$(cat "$RUN/api-key.jwt")
[ -n "$JWT" ] || die "the snapshot tool wrote no access token"

log "starting nginx on 127.0.0.1:$NGINX_PORT (plain) and 127.0.0.1:$NGINX_POLICY_PORT (the node's policy)"
# The nginx-policy server does what the node does on this request, the nginx way: the key looked up in a map (the
# node hashes it and looks it up in a table), a token bucket per key and one per tenant (limit_req, limits that
# never reject, like the node's bench plan), the client's credential replaced by the endpoint's, a request id sent
# upstream and back, the upstream's banner headers hidden, the tenant's prefix stripped from the path, and one JSON
# line per request in a buffered access log (64 KiB buffer, flushed every 250 ms).
cat >"$RUN/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  server_tokens off;
  map_hash_bucket_size 256;
  client_body_temp_path $RUN/nginx/tmp/body;
  proxy_temp_path $RUN/nginx/tmp/proxy;
  upstream bench_upstream {
    server 127.0.0.1:$UP_PORT;
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }

  map \$http_authorization \$igw_key_id {
    "$AUTH_VALUE" "bench-key";
    default "";
  }
  map \$igw_key_id \$igw_tenant {
    "" "";
    default "bench";
  }
  limit_req_zone \$igw_key_id zone=igw_per_key:10m rate=1000000r/s;
  limit_req_zone \$igw_tenant zone=igw_per_tenant:10m rate=1000000r/s;
  log_format igw_json escape=json '{"time":"\$time_iso8601","requestId":"\$request_id","tenant":"\$igw_tenant",'
    '"keyId":"\$igw_key_id","method":"\$request_method","path":"\$uri","status":\$status,'
    '"bytesIn":\$request_length,"bytesOut":\$bytes_sent,"durationMs":\$request_time}';
  server {
    listen 127.0.0.1:$NGINX_POLICY_PORT;
    location /t/bench/echo/ {
      if (\$igw_key_id = "") { return 401; }
      limit_req zone=igw_per_key burst=1000000 nodelay;
      limit_req zone=igw_per_tenant burst=1000000 nodelay;
      access_log $OUT/nginx-policy-access.log igw_json buffer=64k flush=250ms;
      proxy_pass http://bench_upstream/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "Bearer upstream-credential-for-bench";
      proxy_set_header X-API-Key "";
      proxy_set_header Cookie "";
      proxy_set_header X-Request-Id \$request_id;
      proxy_hide_header Server;
      proxy_hide_header X-Powered-By;
      add_header X-Request-Id \$request_id always;
    }
    location / { return 404; }
  }
}
EOF
"$NGINX" -t -q -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" >"$LOGS/nginx.log" 2>&1 \
  || { cat "$LOGS/nginx.log" >&2; die "nginx rejected its configuration"; }
"$NGINX" -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" >>"$LOGS/nginx.log" 2>&1 &
NGINX_PID=$!
track nginx $NGINX_PID
wait_http nginx "http://127.0.0.1:$NGINX_PORT/" $NGINX_PID 15 || die "nginx did not start"
NGINX_WORKERS=$(pgrep -P $NGINX_PID || true)
[ -n "$NGINX_WORKERS" ] || die "nginx has no worker process"
for w in $NGINX_WORKERS; do track nginx-worker "$w"; done

log "starting bare YARP on 127.0.0.1:$YARP_PORT"
(cd "$RUN" && exec env Logging__LogLevel__Default=Warning dotnet "$BENCH_DLL" yarp --port "$YARP_PORT" \
  --upstream "http://127.0.0.1:$UP_PORT") >"$LOGS/yarp.log" 2>&1 &
YARP_PID=$!
track yarp $YARP_PID
wait_http yarp "http://127.0.0.1:$YARP_PORT/" $YARP_PID 30 || die "bare YARP did not start"

start_node() { # name port state-directory access-log-path (empty: no access log) [one more VAR=value for this node]
  log "starting the data-plane node '$1' on 127.0.0.1:$2"
  (cd "$DP_DIR" && exec env \
    DataPlane__NodeId="$1" \
    DataPlane__ControlPlaneUrl=http://127.0.0.1:9 \
    DataPlane__NodeToken="$NODE_TOKEN" \
    DataPlane__SnapshotKey="$SNAPSHOT_KEY" \
    DataPlane__StateDirectory="$3" \
    DataPlane__PollInterval=01:00:00 \
    DataPlane__AllowedPrivateNetworks__0=127.0.0.1/32 \
    DataPlane__AccessLog__Path="$4" \
    Bus__Transport=InMemory \
    ASPNETCORE_URLS="http://127.0.0.1:$2" \
    Logging__LogLevel__Default=Warning \
    ${5:-} \
    ${BENCH_DP_ENV:-} \
    dotnet InferenceGateway.DataPlane.dll) >"$LOGS/$1.log" 2>&1 &
  NODE_PID=$!
  track "$1" $NODE_PID
  wait_http "$1" "http://127.0.0.1:$2/readyz" $NODE_PID 60 || die "the data-plane node '$1' did not become ready"
}

NODE_TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
start_node dataplane $DP_PORT "$RUN/state" "$OUT/access.log"
DP_PID=$NODE_PID
if [ "$DP_NOLOG" = 1 ]; then
  # Diagnostic only: the same node and snapshot without the access-log file, to show what the log costs.
  mkdir -p "$RUN/state-nolog" && cp "$RUN/state/snapshot.bin" "$RUN/state-nolog/"
  start_node dataplane-nolog $DP_NOLOG_PORT "$RUN/state-nolog" ""
  DP_NOLOG_PID=$NODE_PID
  VARIANTS+=(dp-nolog)
fi
if [ "$DP_NOMETER" = 1 ]; then
  # The same node and snapshot with usage metering off: dp/dp-nometer is what metering costs.
  mkdir -p "$RUN/state-nometer" && cp "$RUN/state/snapshot.bin" "$RUN/state-nometer/"
  start_node dataplane-nometer $DP_NOMETER_PORT "$RUN/state-nometer" "$OUT/access-nometer.log" DataPlane__Metering__Enabled=false
  DP_NOMETER_PID=$NODE_PID
  VARIANTS+=(dp-nometer)
fi
if [ "$DP_CLUSTER" = 1 ]; then
  # The same plan with both rate limits counted cluster-wide: leases from Redis, off the request path.
  REDIS_PREFIX="igwbench:$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n'):"
  redis-cli -h "${REDIS%:*}" -p "${REDIS##*:}" ping 2>/dev/null | grep -q PONG || die "dp-cluster needs Redis at $REDIS (BENCH_DP_CLUSTER=0 to leave it out)"
  start_node dataplane-cluster $DP_CLUSTER_PORT "$RUN/state-cluster" "$OUT/access-cluster.log" \
    "DataPlane__Redis__ConnectionString=$REDIS DataPlane__Redis__KeyPrefix=$REDIS_PREFIX"
  DP_CLUSTER_PID=$NODE_PID
  # Redis's own CPU during each row, when it runs on this machine (its pid as it reports it).
  REDIS_PID=$(redis-cli -h "${REDIS%:*}" -p "${REDIS##*:}" info server | tr -d '\r' | awk -F: '$1 == "process_id" { print $2 }')
  [ -n "$REDIS_PID" ] && [ -r "/proc/$REDIS_PID/stat" ] || REDIS_PID=
  VARIANTS+=(dp-cluster)
fi

declare -A URL PID
URL[direct]="http://127.0.0.1:$UP_PORT$REQUEST_PATH";   PID[direct]=""
URL[nginx]="http://127.0.0.1:$NGINX_PORT$REQUEST_PATH"; PID[nginx]="$NGINX_PID $NGINX_WORKERS"
URL[nginx-policy]="http://127.0.0.1:$NGINX_POLICY_PORT$REQUEST_PATH"; PID[nginx-policy]="$NGINX_PID $NGINX_WORKERS"
URL[yarp]="http://127.0.0.1:$YARP_PORT$REQUEST_PATH";   PID[yarp]="$YARP_PID"
URL[dp]="http://127.0.0.1:$DP_PORT$REQUEST_PATH";       PID[dp]="$DP_PID"
URL[dp-jwt]="http://127.0.0.1:$DP_PORT$REQUEST_PATH";   PID[dp-jwt]="$DP_PID"
# The credential each variant is called with: the API key, except dp-jwt (the same node and route, with the token).
declare -A CREDENTIAL
for v in "${VARIANTS[@]}" dp-nolog; do CREDENTIAL[$v]=$AUTH; done
CREDENTIAL[dp-jwt]="Authorization: Bearer $JWT"
if [ "$DP_NOLOG" = 1 ]; then URL[dp-nolog]="http://127.0.0.1:$DP_NOLOG_PORT$REQUEST_PATH"; PID[dp-nolog]="$DP_NOLOG_PID"; fi
if [ "$DP_NOMETER" = 1 ]; then URL[dp-nometer]="http://127.0.0.1:$DP_NOMETER_PORT$REQUEST_PATH"; PID[dp-nometer]="$DP_NOMETER_PID"; fi
if [ "$DP_CLUSTER" = 1 ]; then URL[dp-cluster]="http://127.0.0.1:$DP_CLUSTER_PORT$REQUEST_PATH"; PID[dp-cluster]="$DP_CLUSTER_PID"; fi
if [ -n "${BENCH_VARIANTS:-}" ]; then
  chosen=()
  for v in $BENCH_VARIANTS; do [ -n "${URL[$v]:-}" ] || die "BENCH_VARIANTS: no variant '$v' in this run"; chosen+=("$v"); done
  VARIANTS=("${chosen[@]}")
fi

# Every variant gets the same request (path and Authorization header) and must answer 200 with the upstream's body.
expected=$(curl -sS "${URL[direct]}")
[ -n "$expected" ] || die "the upstream answered with an empty body"
for v in "${VARIANTS[@]}"; do
  code=$(curl -sS -o "$RUN/check-$v.body" -D "$RUN/check-$v.headers" -w '%{http_code}' -H "${CREDENTIAL[$v]}" "${URL[$v]}") || die "$v: curl failed"
  [ "$code" = 200 ] || { cat "$RUN/check-$v.headers" "$RUN/check-$v.body" >&2; die "$v answered $code, not 200"; }
  [ "$(cat "$RUN/check-$v.body")" = "$expected" ] || die "$v did not return the upstream's body"
done
if [ "$DP_CLUSTER" = 1 ]; then
  # dp-cluster must really count in Redis: its check request leased from a window under the run's prefix.
  sleep 0.5
  [ -n "$(redis-cli -h "${REDIS%:*}" -p "${REDIS##*:}" --scan --pattern "${REDIS_PREFIX}rl:*" | head -n 1)" ] \
    || die "dp-cluster leased nothing from Redis (bench/out/logs/dataplane-cluster.log)"
  grep -qi '^ratelimit-limit:' "$RUN/check-dp-cluster.headers" || die "dp-cluster sent no RateLimit-Limit header"
fi
log "check passed: all ${#VARIANTS[@]} variants answer 200 with the upstream's body ($(printf %s "$expected" | wc -c) bytes)"

# ---------------------------------------------------------------------------------------------------------------
# 4. Measure
cpu_ticks() { # pids...: utime+stime (clock ticks) summed over the processes (fields 14 and 15 of /proc/<pid>/stat)
  local total=0 pid rest
  for pid in "$@"; do
    rest=$(<"/proc/$pid/stat") || die "process $pid is gone"
    rest=${rest##*) }
    # After "pid (comm) ", field 3 (state) is the first word: utime and stime are words 12 and 13.
    read -r -a f <<<"$rest"
    total=$((total + f[11] + f[12]))
  done
  echo $total
}
cpu_split() { # pids...: "utime stime" in ticks
  local u=0 s=0 pid rest
  for pid in "$@"; do
    rest=$(<"/proc/$pid/stat")
    rest=${rest##*) }
    read -r -a f <<<"$rest"
    u=$((u + f[11])); s=$((s + f[12]))
  done
  echo "$u $s"
}
ctx_switches() { # pids...: voluntary + involuntary context switches of the live threads
  local pid
  for pid in "$@"; do cat /proc/"$pid"/task/*/status 2>/dev/null; done | awk '/ctxt_switches/ { s += $2 } END { print s + 0 }'
}

# wrk's --latency percentiles come as 850.00us, 1.23ms or 1.02s: in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN {
  if (v ~ /us$/) printf "%.3f", substr(v, 1, length(v) - 2) / 1000
  else if (v ~ /ms$/) printf "%.3f", substr(v, 1, length(v) - 2)
  else if (v ~ /m$/) printf "%.3f", substr(v, 1, length(v) - 1) * 60000
  else if (v ~ /s$/) printf "%.3f", substr(v, 1, length(v) - 1) * 1000
  else print "nan" }'; }
percentile() { awk -v p="$2" '/Latency Distribution/ { f = 1; next } f && $1 == p { print $2; exit }' "$1"; }

ROUNDS_TSV=$OUT/rounds.tsv
METER_TSV=$OUT/metering.tsv
CLUSTER_TSV=$OUT/cluster.tsv
REDIS_TSV=$OUT/redis.tsv
printf 'round\tvariant\trequests\trps\tp50_ms\tp99_ms\tproxy_cpu_us_per_req\tproxy_usr_us\tproxy_sys_us\tproxy_ctxsw_per_req\tupstream_cpu_us_per_req\terrors\n' >"$ROUNDS_TSV"
head -n 1 "$ROUNDS_TSV" >"$METER_TSV"
head -n 1 "$ROUNDS_TSV" >"$CLUSTER_TSV"
printf 'round\tvariant\trequests\tredis_cpu_us_per_req\tlease_calls_per_1000_req\n' >"$REDIS_TSV"
# Lease script calls Redis has answered so far (EVALSHA, and EVAL when the script was not cached yet): every client's.
lease_calls() { redis-cli -h "${REDIS%:*}" -p "${REDIS##*:}" info commandstats | tr -d '\r' | awk -F'[:=,]' '$1 == "cmdstat_evalsha" || $1 == "cmdstat_eval" { s += $3 } END { print s + 0 }'; }

# One wrk run. Ctrl-C reaches wrk too, which then prints its stats and exits 0, and bash does not run its INT trap
# for a child that handled SIGINT itself: so a run that stopped early, or a process that died meanwhile, ends the
# script here (and the EXIT trap stops everything).
load() { # seconds variant output-file [wrk options...]
  local seconds=$1 url=${URL[$2]} header=${CREDENTIAL[$2]} file=$3 i ran
  shift 3
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" "$@" -H "$header" "$url" >"$file" 2>&1 || die "wrk failed ($file)"
  for ((i = 0; i < ${#PIDS[@]}; i++)); do
    kill -0 "${PIDS[i]}" 2>/dev/null || die "${NAMES[i]} (pid ${PIDS[i]}) exited during the run (interrupted?)"
  done
  ran=$(awk '/requests in/ { v = $4; sub(/,$/, "", v); if (v ~ /m$/) { sub(/m$/, "", v); v *= 60 } else sub(/s$/, "", v); print v; exit }' "$file")
  awk -v ran="${ran:-0}" -v want="$seconds" 'BEGIN { exit !(ran >= 0.9 * want) }' \
    || die "wrk stopped after ${ran:-?}s of ${seconds}s (interrupted?)"
}

run_variant() { # round variant
  local r=$1 v=$2 url=${URL[$2]} file=$WRK_OUT/$2.round$1.measured.txt
  local pids=(${PID[$v]})
  load "$WARMUP" "$v" "$WRK_OUT/$v.round$r.warmup.txt"
  local up0 up1 c0=0 c1=0 s0="0 0" s1="0 0" x0=0 x1=0 l0=0 l1=0 rd0=0 rd1=0
  if [ "$DP_CLUSTER" = 1 ]; then l0=$(lease_calls); [ -z "$REDIS_PID" ] || rd0=$(cpu_ticks "$REDIS_PID"); fi
  up0=$(cpu_ticks $UP_PID)
  if [ ${#pids[@]} -gt 0 ]; then c0=$(cpu_ticks "${pids[@]}"); s0=$(cpu_split "${pids[@]}"); x0=$(ctx_switches "${pids[@]}"); fi
  load "$DURATION" "$v" "$file" --latency
  if [ ${#pids[@]} -gt 0 ]; then c1=$(cpu_ticks "${pids[@]}"); s1=$(cpu_split "${pids[@]}"); x1=$(ctx_switches "${pids[@]}"); fi
  up1=$(cpu_ticks $UP_PID)
  if [ "$DP_CLUSTER" = 1 ]; then [ -z "$REDIS_PID" ] || rd1=$(cpu_ticks "$REDIS_PID"); l1=$(lease_calls); fi

  local requests rps p50 p99 non2xx sockerr
  requests=$(awk '/requests in/ { print $1; exit }' "$file")
  rps=$(awk '/^Requests\/sec:/ { print $2; exit }' "$file")
  [ -n "$requests" ] && [ "$requests" -gt 0 ] && [ -n "$rps" ] || { cat "$file" >&2; die "could not read wrk's output for $v"; }
  p50=$(to_ms "$(percentile "$file" 50%)")
  p99=$(to_ms "$(percentile "$file" 99%)")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$file")
  sockerr=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$file")
  local errors=$((${non2xx:-0} + ${sockerr:-0}))
  read -r u0 t0 <<<"$s0"
  read -r u1 t1 <<<"$s1"
  awk -v r="$r" -v v="$v" -v n="$requests" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v hz="$CLK_TCK" \
    -v c="$((c1 - c0))" -v u="$((u1 - u0))" -v s="$((t1 - t0))" -v x="$((x1 - x0))" -v up="$((up1 - up0))" \
    -v haspid="${#pids[@]}" -v e="$errors" 'BEGIN {
      per = 1e6 / hz / n
      if (haspid > 0) { cpu = sprintf("%.1f", c * per); usr = sprintf("%.1f", u * per); sys = sprintf("%.1f", s * per); cs = sprintf("%.2f", x / n) }
      else { cpu = "-"; usr = "-"; sys = "-"; cs = "-" }
      printf "%s\t%s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%d\n", r, v, n, rps, p50, p99, cpu, usr, sys, cs, up * per, e
    }' >>"$ROUNDS_TSV"
  if [ "$DP_CLUSTER" = 1 ]; then
    awk -v r="$r" -v v="$v" -v n="$requests" -v hz="$CLK_TCK" -v rd="$((rd1 - rd0))" -v l="$((l1 - l0))" -v local="${REDIS_PID:+1}" \
      'BEGIN { printf "%s\t%s\t%d\t%s\t%.2f\n", r, v, n, (local ? sprintf("%.2f", rd * 1e6 / hz / n) : "-"), l * 1000 / n }' >>"$REDIS_TSV"
  fi
  [ "$errors" -eq 0 ] || log "warning: $v had $errors non-2xx responses or socket errors in round $r (see $file)"
  log "round $r $(printf '%-6s' "$v") $(printf '%9.0f' "$rps") req/s  p50 ${p50} ms  p99 ${p99} ms  proxy CPU $(tail -n 1 "$ROUNDS_TSV" | cut -f7) us/req"
}

LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
log "loadavg before measuring: $LOADAVG (anything else busy on these $(nproc) cores skews the numbers)"
if [ "$PRIME" -gt 0 ]; then
  # Tiered compilation and dynamic PGO keep recompiling hot .NET code for the first ~10-15 s under load; without
  # this, round 1 of every .NET proxy (and of the .NET upstream) runs 20-40% slower than the rounds after it.
  # Every .NET process gets the same priming in total: dp and dp-jwt share one node, so a node that serves one variant
  # gets as much as that node's two together (unequal priming left dp-cluster's node JIT-compiling in round 1).
  declare -A SHARE
  most=1
  for v in "${VARIANTS[@]}"; do
    case $v in direct | nginx | nginx-policy) continue ;; esac
    SHARE[${PID[$v]}]=$((${SHARE[${PID[$v]}]:-0} + 1))
    [ "${SHARE[${PID[$v]}]}" -le "$most" ] || most=${SHARE[${PID[$v]}]}
  done
  for v in "${VARIANTS[@]}"; do
    [ "$v" = direct ] || [ "$v" = nginx ] && continue
    seconds=$PRIME
    [ "$v" = nginx-policy ] || seconds=$((PRIME * most / ${SHARE[${PID[$v]}]}))
    log "priming $v (and the upstream) with ${seconds}s of load"
    load "$seconds" "$v" "$WRK_OUT/$v.prime.txt"
  done
fi
log "measuring: $ROUNDS rounds x ${#VARIANTS[@]} variants, wrk -t$THREADS -c$CONNECTIONS, ${WARMUP}s warm-up + ${DURATION}s measured each"
for ((r = 1; r <= ROUNDS; r++)); do
  # Rotate the order every round, so no variant always follows the same one.
  for ((i = 0; i < ${#VARIANTS[@]}; i++)); do
    run_variant $r "${VARIANTS[(i + r - 1) % ${#VARIANTS[@]}]}"
  done
  # Metering's cost is a few percent, less than the drift between runs minutes apart: dp and dp-nometer back to back,
  # in the order A B B A so a steady drift cancels, into their own table (the main table keeps one run per round).
  if [[ " ${VARIANTS[*]} " == *" dp "* && " ${VARIANTS[*]} " == *" dp-nometer "* ]]; then
    for ((k = 1; k <= METER_BLOCKS; k++)); do
      for v in dp dp-nometer dp-nometer dp; do ROUNDS_TSV=$METER_TSV run_variant "$r.$k" $v; done
    done
  fi
  # The same for the cluster limiter: dp and dp-cluster differ by a few percent at most, as much as the drift from one
  # row to the next (in the main table the two are rows apart, with other variants between them).
  if [[ " ${VARIANTS[*]} " == *" dp "* && " ${VARIANTS[*]} " == *" dp-cluster "* ]]; then
    for ((k = 1; k <= CLUSTER_BLOCKS; k++)); do
      for v in dp dp-cluster dp-cluster dp; do ROUNDS_TSV=$CLUSTER_TSV run_variant "$r.$k" $v; done
    done
  fi
done

# ---------------------------------------------------------------------------------------------------------------
# 5. Report
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
column_of() { # variant column-number [printf format]
  local m
  m=$(awk -F'\t' -v v="$1" -v c="$2" 'NR > 1 && $2 == v && $c != "-" { print $c }' "$ROUNDS_TSV" | median)
  if [ "$m" = - ]; then echo -; else printf "${3:-%s}" "$m"; fi
}
sum_of() { awk -F'\t' -v v="$1" -v c="$2" 'NR > 1 && $2 == v { s += $c } END { print s + 0 }' "$ROUNDS_TSV"; }

# dp and dp-jwt share the node and its access log.
dp_requests_total=$({ cat "$WRK_OUT"/dp.*.txt "$WRK_OUT"/dp-jwt.*.txt 2>/dev/null || true; } | awk '/requests in/ { s += $1 } END { print s + 0 }')
sleep 1 # the node's access-log writer flushes when its queue runs dry
# The node rotates its log by size (100 MiB by default): count the rotated files too.
access_lines=$(cat "$OUT"/access.log* 2>/dev/null | wc -l)

declare -A RPS
{
  echo "# Proxy benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$( [ -n "$(git -C "$ROOT" status --porcelain -- src 2>/dev/null)" ] && echo ' (src/ has uncommitted changes)')"
  echo "# $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), kernel $(uname -r), .NET $(dotnet --version), $("$NGINX" -v 2>&1 | sed 's/.*: //'), wrk $(wrk -v 2>&1 | awk 'NR == 1 { print $2 }')"
  echo "# wrk -t$THREADS -c$CONNECTIONS, ${WARMUP}s warm-up + ${DURATION}s measured, $ROUNDS interleaved rounds after ${PRIME}s priming per .NET proxy; medians over rounds"
  echo "# cpu = the proxy's own CPU (utime+stime) per request, usr/sys its split, cs = its context switches per request;"
  echo "# upstream = the shared upstream's CPU per request. Per-round numbers: bench/out/rounds.tsv; wrk outputs: bench/out/wrk/"
  echo "# loadavg before measuring: $LOADAVG (after: $(cut -d' ' -f1-3 /proc/loadavg), which includes the ~3 runnable threads of the benchmark itself)"
  echo "# data-plane access log: $access_lines lines for $dp_requests_total responses wrk counted from the node (it does not count"
  echo "# the few requests in flight when a run stops, nor the check request)"
  printf '%-12s %10s %8s %8s %10s %8s %8s %6s %12s %7s\n' variant req/s p50_ms p99_ms cpu_us/req usr_us sys_us cs/req upstream_us errors
  for v in "${VARIANTS[@]}"; do
    RPS[$v]=$(column_of "$v" 4)
    printf '%-12s %10.0f %8s %8s %10s %8s %8s %6s %12s %7s\n' "$v" "${RPS[$v]}" "$(column_of "$v" 5 %.3f)" "$(column_of "$v" 6 %.3f)" \
      "$(column_of "$v" 7 %.1f)" "$(column_of "$v" 8 %.1f)" "$(column_of "$v" 9 %.1f)" "$(column_of "$v" 10 %.2f)" "$(column_of "$v" 11 %.1f)" \
      "$(sum_of "$v" 12)"
  done
  have() { local v; for v; do [ -n "${RPS[$v]:-}" ] || return 1; done; }
  if ! have dp nginx nginx-policy yarp dp-jwt && have dp dp-cluster; then
    # A run of some variants only (BENCH_VARIANTS): the ratios it has.
    awk -v dp="${RPS[dp]}" -v j="${RPS[dp-jwt]:-0}" -v c="${RPS[dp-cluster]}" \
      'BEGIN { if (j > 0) printf "dp-jwt/dp=%.2f ", j / dp; printf "dp-cluster/dp=%.2f\n", c / dp }'
  fi
  have dp nginx nginx-policy yarp dp-jwt && awk -v dp="${RPS[dp]}" -v n="${RPS[nginx]}" -v np="${RPS[nginx-policy]}" -v y="${RPS[yarp]}" -v j="${RPS[dp-jwt]}" -v c="${RPS[dp-cluster]:-0}" \
    'BEGIN { printf "dp/nginx=%.2f dp/nginx-policy=%.2f dp/yarp=%.2f dp-jwt/dp=%.2f", dp / n, dp / np, dp / y, j / dp;
             if (c > 0) printf " dp-cluster/dp=%.2f", c / dp; printf "\n" }'
  if have dp dp-nometer; then
    # Metering's cost: req/s of the node with it over the node without it, and CPU per request the other way round.
    # The median over the back-to-back blocks of each block's ratio; without blocks, the ratio of the rounds' medians.
    blocks=$(awk -F'\t' 'NR > 1 { k = $1; if ($2 == "dp") { r[k] += $4; c[k] += $7 } else { rn[k] += $4; cn[k] += $7 } }
      END { for (k in r) if (rn[k] > 0 && cn[k] > 0) printf "%.4f %.4f\n", r[k] / rn[k], c[k] / cn[k] }' "$METER_TSV")
    n_blocks=$(printf '%s' "$blocks" | grep -c . || true)
    awk -v dp="${RPS[dp]}" -v nm="${RPS[dp-nometer]}" -v c="$(column_of dp 7)" -v cn="$(column_of dp-nometer 7)" -v n="$n_blocks" \
      -v br="$(printf '%s\n' "$blocks" | awk 'NF { print $1 }' | median)" -v bc="$(printf '%s\n' "$blocks" | awk 'NF { print $2 }' | median)" \
      'BEGIN { if (n > 0) printf "metering: dp/dp-nometer req/s=%.3f cpu_us/req=%.3f (median of %d back-to-back blocks dp,nm,nm,dp; ratio of the rounds medians req/s=%.3f cpu_us/req=%.3f) (target: req/s >= 0.97)\n", br, bc, n, dp / nm, (cn > 0 ? c / cn : 0);
               else printf "metering: dp/dp-nometer req/s=%.3f cpu_us/req=%.3f (target: req/s >= 0.97)\n", dp / nm, (cn > 0 ? c / cn : 0) }'
  fi
  if have dp dp-cluster; then
    # Each back-to-back block's dp-cluster/dp: req/s, the node's CPU per request, the upstream's CPU per request.
    blocks=$(awk -F'\t' 'NR > 1 { k = $1; if ($2 == "dp") { r[k] += $4; c[k] += $7; u[k] += $11 } else { rc[k] += $4; cc[k] += $7; uc[k] += $11 } }
      END { for (k in r) if (r[k] > 0 && c[k] > 0 && u[k] > 0 && rc[k] > 0) printf "%.4f %.4f %.4f\n", rc[k] / r[k], cc[k] / c[k], uc[k] / u[k] }' "$CLUSTER_TSV")
    n_blocks=$(printf '%s' "$blocks" | grep -c . || true)
    redis_of() { awk -F'\t' -v v="$1" -v c="$2" 'NR > 1 && $2 == v && $c != "-" { print $c }' "$REDIS_TSV" | median; }
    awk -v n="$n_blocks" -v br="$(printf '%s\n' "$blocks" | awk 'NF { print $1 }' | median)" \
      -v bc="$(printf '%s\n' "$blocks" | awk 'NF { print $2 }' | median)" -v bu="$(printf '%s\n' "$blocks" | awk 'NF { print $3 }' | median)" \
      -v lc="$(redis_of dp-cluster 5)" -v ld="$(redis_of dp 5)" -v rc="$(redis_of dp-cluster 4)" -v rd="$(redis_of dp 4)" \
      'BEGIN { if (n > 0) printf "cluster: dp-cluster/dp req/s=%.3f cpu_us/req=%.3f upstream_us/req=%.3f (median of %d back-to-back blocks dp,dc,dc,dp; target: req/s >= 0.95)\n", br, bc, bu, n;
               printf "cluster: lease calls per 1000 requests %s in the dp-cluster rows (%s in the dp rows: other clients of the same Redis); Redis CPU %s us/req (dp rows: %s)\n", lc, ld, rc, rd }'
  fi
} >"$OUT/results.txt"

log "done in $((SECONDS - START_SECONDS)) s; results in bench/out/results.txt"
cat "$OUT/results.txt"
