#!/usr/bin/env bash
# Forwarding prototypes against bare YARP and the node (issue 10, item 8): proxy CPU per request, interleaved
# rounds, medians at the end. Not part of run.sh; see bench/README.md, "Forwarding prototypes".
# Usage: bash bench/proto.sh [variant...]   (build first as run.sh does; BENCH_SKIP_BUILD is not needed)
#   variants: nginx-policy (nginx doing the node's policy, as in run.sh), yarp (BareYarp, .NET defaults), dp (the data-plane node with the bench snapshot and its access log),
#   kestrel, fwd-sockets, fwd-lean, pipe (bench/Benchmarks/Prototypes), each but yarp and dp optionally suffixed
#   with +inline (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1) or +io1 (DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT=1)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DLL=$ROOT/bench/out/artifacts/bin/Benchmarks/release/InferenceGateway.Benchmarks.dll
BASE=${PROTO_PORT_BASE:-19280}
ROUNDS=${PROTO_ROUNDS:-4}
DUR=${PROTO_DURATION:-8}
PRIME=${PROTO_PRIME:-12}
VARIANTS=("${@:-nginx-policy yarp dp fwd-sockets fwd-lean pipe}")
read -r -a VARIANTS <<<"${VARIANTS[*]}"
NODE_ENV="DOTNET_gcServer=0 DOTNET_gcConcurrent=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0"
PIDS=()
OUT=$ROOT/bench/out/proto
mkdir -p "$OUT"
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -f "$OUT"/access-*.log "$OUT/nginx-access.log"; }
trap cleanup EXIT
export Logging__LogLevel__Default=Warning DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet "$DLL" upstream --port "$BASE" >"$OUT/upstream.log" 2>&1 & PIDS+=($!)
SNAPSHOT_KEY=$(head -c 32 /dev/urandom | base64 -w0)
dotnet "$DLL" snapshot --dir "$OUT/state" --upstream "http://127.0.0.1:$BASE" --key-file "$OUT/api-key" --snapshot-key "$SNAPSHOT_KEY" >/dev/null
AUTH_VALUE="Bearer $(cat "$OUT/api-key")"
AUTH="Authorization: $AUTH_VALUE"
declare -A PID PORT
i=1
for v in "${VARIANTS[@]}"; do
  cmd=${v%%+*}; extra=""
  case "$v" in *+inline*) extra+=" DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1";; esac
  case "$v" in *+io1*) extra+=" DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT=1";; esac
  envs=$NODE_ENV; [ "$cmd" = yarp ] && envs=""
  port=$((BASE + i)); i=$((i + 1))
  if [ "$cmd" = nginx-policy ]; then
    mkdir -p "$OUT/nginx/logs" "$OUT/nginx/tmp"
    # The nginx-policy server of run.sh (see there), alone.
    cat >"$OUT/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  server_tokens off;
  map_hash_bucket_size 256;
  client_body_temp_path $OUT/nginx/tmp/body;
  proxy_temp_path $OUT/nginx/tmp/proxy;
  upstream bench_upstream { server 127.0.0.1:$BASE; keepalive 32; }
  map \$http_authorization \$igw_key_id { "$AUTH_VALUE" "bench-key"; default ""; }
  map \$igw_key_id \$igw_tenant { "" ""; default "bench"; }
  limit_req_zone \$igw_key_id zone=igw_per_key:10m rate=1000000r/s;
  limit_req_zone \$igw_tenant zone=igw_per_tenant:10m rate=1000000r/s;
  log_format igw_json escape=json '{"time":"\$time_iso8601","requestId":"\$request_id","tenant":"\$igw_tenant",'
    '"keyId":"\$igw_key_id","method":"\$request_method","path":"\$uri","status":\$status,'
    '"bytesIn":\$request_length,"bytesOut":\$bytes_sent,"durationMs":\$request_time}';
  server {
    listen 127.0.0.1:$port;
    location /t/bench/echo/ {
      if (\$igw_key_id = "") { return 401; }
      limit_req zone=igw_per_key burst=1000000 nodelay;
      limit_req zone=igw_per_tenant burst=1000000 nodelay;
      access_log $OUT/nginx-access.log igw_json buffer=64k flush=250ms;
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
NGINX
    nginx -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf" >"$OUT/nginx.log" 2>&1 &
  elif [[ "$cmd" == dp* ]]; then
    log_path="$OUT/access-$cmd.log"; metering=true
    case "$cmd" in dp-nolog) log_path="";; dp-nometer) log_path=""; metering=false;; esac
    mkdir -p "$OUT/state-$cmd" && cp "$OUT/state/snapshot.bin" "$OUT/state-$cmd/"
    (cd "$ROOT/bench/out/artifacts/bin/DataPlane/release" && exec env DataPlane__NodeId=proto DataPlane__ControlPlaneUrl=http://127.0.0.1:9 \
      DataPlane__NodeToken="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d " \n")" DataPlane__SnapshotKey="$SNAPSHOT_KEY" DataPlane__StateDirectory="$OUT/state-$cmd" \
      DataPlane__PollInterval=01:00:00 DataPlane__AllowedPrivateNetworks__0=127.0.0.1/32 DataPlane__AccessLog__Path="$log_path" DataPlane__Metering__Enabled=$metering \
      Bus__Transport=InMemory ASPNETCORE_URLS="http://127.0.0.1:$port" dotnet InferenceGateway.DataPlane.dll) >"$OUT/$v.log" 2>&1 &
  else
    env $envs $extra dotnet "$DLL" "$cmd" --port "$port" --upstream "http://127.0.0.1:$BASE" >"$OUT/$v.log" 2>&1 &
  fi
  PID[$v]=$!; PORT[$v]=$port; PIDS+=($!)
done
for v in "${VARIANTS[@]}"; do
  for _ in $(seq 200); do curl -fs -H "$AUTH" "http://127.0.0.1:${PORT[$v]}/t/bench/echo/v1/completions" >/dev/null && break; sleep 0.3; done
  body=$(curl -fs -H "$AUTH" "http://127.0.0.1:${PORT[$v]}/t/bench/echo/v1/completions") || { echo "$v does not answer"; exit 1; }
  [ "${#body}" -eq 103 ] || { echo "$v: wrong body '$body'"; exit 1; }
  # nginx: the master and its worker.
  if [ "${v%%+*}" = nginx-policy ]; then PID[$v]="${PID[$v]} $(pgrep -P "${PID[$v]}" | tr '\n' ' ')"; fi
done
ticks() { local u=0 s=0 p r; for p in "$@"; do r=$(<"/proc/$p/stat"); r=${r##*) }; read -r -a f <<<"$r"; u=$((u + f[11])); s=$((s + f[12])); done; echo "$u $s"; }
cs() { for p in "$@"; do cat /proc/"$p"/task/*/status 2>/dev/null; done | awk '/ctxt_switches/ { s += $2 } END { print s + 0 }'; }
HZ=$(getconf CLK_TCK)
for v in "${VARIANTS[@]}"; do wrk -t1 -c32 -d"${PRIME}s" -H "$AUTH" "http://127.0.0.1:${PORT[$v]}/t/bench/echo/v1/completions" >/dev/null; done
printf "# loadavg before: %s\n" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-5s %-22s %8s %8s %7s %7s %6s  %s\n" round variant req/s cpu_us usr_us sys_us cs/req loadavg
: >"$OUT/rounds.txt"
for r in $(seq "$ROUNDS"); do
  n=${#VARIANTS[@]}
  for k in $(seq 0 $((n - 1))); do
    v=${VARIANTS[$(((k + r) % n))]}; url="http://127.0.0.1:${PORT[$v]}/t/bench/echo/v1/completions"; p=${PID[$v]}
    wrk -t1 -c32 -d2s -H "$AUTH" "$url" >/dev/null
    read -r u0 s0 <<<"$(ticks $p)"; c0=$(cs $p)
    out=$(wrk -t1 -c32 -d"${DUR}s" -H "$AUTH" "$url")
    read -r u1 s1 <<<"$(ticks $p)"; c1=$(cs $p)
    if grep -q "Non-2xx\|Socket errors" <<<"$out"; then echo "# $v, round $r: $(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ')"; fi
    req=$(awk '/requests in/ { print $1 }' <<<"$out")
    awk -v r="$r" -v v="$v" -v req="$req" -v d="$DUR" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v hz="$HZ" -v la="$(cut -d' ' -f1 /proc/loadavg)" \
      'BEGIN { printf "%-5s %-22s %8.0f %8.1f %7.1f %7.1f %6.2f  %s\n", r, v, req / d, (u + s) * 1e6 / hz / req, u * 1e6 / hz / req, s * 1e6 / hz / req, c / req, la }' | tee -a "$OUT/rounds.txt"
  done
done
echo "# medians over rounds"
awk '
  { v = $2; n[v]++; for (c = 3; c <= 7; c++) val[v, c, n[v]] = $c; if (!(v in seen)) { seen[v] = 1; order[++k] = v } }
  function med(v, c,   i, j, t, a, m) {
    m = n[v]; for (i = 1; i <= m; i++) a[i] = val[v, c, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END {
    printf "%-22s %8s %8s %7s %7s %6s\n", "variant", "req/s", "cpu_us", "usr_us", "sys_us", "cs/req"
    for (i = 1; i <= k; i++) { v = order[i]; printf "%-22s %8.0f %8.1f %7.1f %7.1f %6.2f\n", v, med(v, 3), med(v, 4), med(v, 5), med(v, 6), med(v, 7) }
  }' "$OUT/rounds.txt"
