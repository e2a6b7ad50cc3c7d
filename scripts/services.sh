#!/usr/bin/env bash
# Installs (when missing) and runs the servers the distributed mode and the tests use: PostgreSQL 15,
# RabbitMQ and Redis, from Debian packages, bound to 127.0.0.1, without systemd; and installs Debian's Chromium for
# the portal's browser tests.
#
#   scripts/services.sh up       install what is missing, start what is stopped, wait until each accepts connections
#   scripts/services.sh down     stop all three
#   scripts/services.sh status   print whether each accepts connections (exit 1 if one does not)
#
# Idempotent: running `up` twice is harmless. Connection settings come from the environment, with local defaults:
#   IGW_PG_PORT (5432)  IGW_PG_USER (igw)  IGW_PG_PASSWORD (igw)
#   IGW_RABBITMQ_PORT (5672)  IGW_RABBITMQ_USER (igw)  IGW_RABBITMQ_PASSWORD (igw)
#   IGW_REDIS_PORT (6379)
# RabbitMQ users: IGW_RABBITMQ_USER is an administrator for operators and test fixtures (which declare exchanges
# with prefixes of their own). The services connect as one user per role, created by scripts/broker-users.sh
# with the narrowest permissions MassTransit needs (and the guest user removed):
#   IGW_RABBITMQ_CONTROL_PLANE_USER (igw-control-plane)  IGW_RABBITMQ_CONTROL_PLANE_PASSWORD (igw-control-plane)
#   IGW_RABBITMQ_NODE_USER (igw-node)                    IGW_RABBITMQ_NODE_PASSWORD (igw-node)
#   IGW_BUS_ENTITY_PREFIX ('')                           the services' Bus:EntityPrefix, if they use one
set -euo pipefail

PG_PORT="${IGW_PG_PORT:-5432}"
PG_USER="${IGW_PG_USER:-igw}"
PG_PASSWORD="${IGW_PG_PASSWORD:-igw}"
RABBIT_PORT="${IGW_RABBITMQ_PORT:-5672}"
RABBIT_USER="${IGW_RABBITMQ_USER:-igw}"
RABBIT_PASSWORD="${IGW_RABBITMQ_PASSWORD:-igw}"
REDIS_PORT="${IGW_REDIS_PORT:-6379}"

log() { printf '[services] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # $1 port, $2 name, $3 seconds
  local i
  for ((i = 0; i < $3 * 4; i++)); do
    port_open "$1" && return 0
    sleep 0.25
  done
  log "$2 did not open port $1 within $3 s"
  return 1
}

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    log "installing and starting the servers needs root (run with sudo)"
    exit 1
  fi
}

apt_install() { # packages...
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root
  log "installing ${missing[*]}"
  # apt's policy-rc.d blocks service autostart on these machines; we start the servers ourselves below.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update -q >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
  }
}

# ---------------------------------------------------------------------------------------------- PostgreSQL
pg_up() {
  apt_install postgresql-15 postgresql-client-15
  local conf=/etc/postgresql/15/main/postgresql.conf
  if ! grep -q "^# igw settings" "$conf"; then
    cat >>"$conf" <<EOF
# igw settings
listen_addresses = '127.0.0.1'
port = $PG_PORT
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  fi
  if ! pg_ctlcluster 15 main status >/dev/null 2>&1; then
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    pg_ctlcluster 15 main start
  fi
  wait_port "$PG_PORT" PostgreSQL 60
  local i
  for ((i = 0; i < 60; i++)); do
    su postgres -c "psql -p $PG_PORT -qAtc 'select 1'" >/dev/null 2>&1 && break
    sleep 0.5
  done
  # The test role may create databases: every test class works in a database of its own.
  su postgres -c "psql -p $PG_PORT -qAt" >/dev/null <<EOF
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE "$PG_USER" LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE "$PG_USER" LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
-- Test databases are dropped WITH (FORCE), which may have to end an autovacuum worker.
GRANT pg_signal_backend TO "$PG_USER";
EOF
  su postgres -c "psql -p $PG_PORT -qAtc \"SELECT 1 FROM pg_database WHERE datname = 'igw'\"" | grep -q 1 ||
    su postgres -c "psql -p $PG_PORT -qAtc 'CREATE DATABASE igw OWNER \"$PG_USER\"'" >/dev/null
  log "PostgreSQL ready"
}

pg_down() { pg_ctlcluster 15 main stop >/dev/null 2>&1 || true; }

# ------------------------------------------------------------------------------------------------ RabbitMQ
rabbit_up() {
  apt_install rabbitmq-server
  # RabbitMQ's node name is rabbit@<hostname>: the host name must resolve or the node cannot start.
  local host
  host=$(hostname -s 2>/dev/null || hostname)
  if ! getent hosts "$host" >/dev/null 2>&1; then
    need_root
    echo "127.0.0.1 $host" >>/etc/hosts
  fi
  mkdir -p /etc/rabbitmq
  local want
  want="listeners.tcp.default = 127.0.0.1:$RABBIT_PORT
management.tcp.ip = 127.0.0.1
loopback_users = none"
  if [ ! -f /etc/rabbitmq/rabbitmq.conf ] || [ "$(cat /etc/rabbitmq/rabbitmq.conf)" != "$want" ]; then
    printf '%s\n' "$want" >/etc/rabbitmq/rabbitmq.conf
  fi
  # Keep epmd and the distribution port on loopback too.
  printf 'ERL_EPMD_ADDRESS=127.0.0.1\nNODE_IP_ADDRESS=127.0.0.1\n' >/etc/rabbitmq/rabbitmq-env.conf
  if ! rabbitmqctl -q status >/dev/null 2>&1; then
    log "starting RabbitMQ on 127.0.0.1:$RABBIT_PORT"
    chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /var/log/rabbitmq 2>/dev/null || true
    rabbitmq-server -detached >/dev/null 2>&1 || true
  fi
  local i
  for ((i = 0; i < 60; i++)); do
    rabbitmqctl -q await_startup --timeout 5 >/dev/null 2>&1 && break
    sleep 1
  done
  wait_port "$RABBIT_PORT" RabbitMQ 60
  # Read the list whole before matching: under pipefail, `list_users | grep -q` fails whenever grep stops reading
  # early and rabbitmqctl gets SIGPIPE, which would look like a missing user.
  local users
  users=$(rabbitmqctl -q list_users 2>/dev/null | awk '{print $1}') || true
  grep -qx "$RABBIT_USER" <<<"$users" ||
    rabbitmqctl -q add_user "$RABBIT_USER" "$RABBIT_PASSWORD" >/dev/null
  rabbitmqctl -q change_password "$RABBIT_USER" "$RABBIT_PASSWORD" >/dev/null
  rabbitmqctl -q set_user_tags "$RABBIT_USER" administrator >/dev/null
  rabbitmqctl -q set_permissions -p / "$RABBIT_USER" ".*" ".*" ".*" >/dev/null
  # The role users (and no guest). rabbitmqctl runs as the rabbitmq user directly, so the permission regexes
  # pass through no shell quoting.
  RABBITMQCTL="runuser -u rabbitmq -- env HOME=/var/lib/rabbitmq /usr/lib/rabbitmq/bin/rabbitmqctl" \
    bash "$(dirname "${BASH_SOURCE[0]}")/broker-users.sh"
  log "RabbitMQ ready (users: $RABBIT_USER, ${IGW_RABBITMQ_CONTROL_PLANE_USER:-igw-control-plane}, ${IGW_RABBITMQ_NODE_USER:-igw-node})"
}

rabbit_down() { rabbitmqctl -q stop >/dev/null 2>&1 || true; }

# --------------------------------------------------------------------------------------------------- Redis
redis_up() {
  apt_install redis-server
  if ! port_open "$REDIS_PORT"; then
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
      --logfile /var/log/redis/igw-redis.log >/dev/null
  fi
  wait_port "$REDIS_PORT" Redis 30
  local i
  for ((i = 0; i < 40; i++)); do
    [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ] && break
    sleep 0.25
  done
  log "Redis ready"
}

redis_down() { redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; }

# -------------------------------------------------------------------------------------------------- Chromium
# The portal's browser tests (tests/Portal.Tests) drive Debian's Chromium through Playwright: never a downloaded build.
browser_up() {
  apt_install chromium
  [ -x /usr/bin/chromium ] || { log "chromium is not at /usr/bin/chromium"; return 1; }
  log "Chromium ready ($(/usr/bin/chromium --version 2>/dev/null | head -n 1))"
}

status() {
  local rc=0
  for s in "PostgreSQL:$PG_PORT" "RabbitMQ:$RABBIT_PORT" "Redis:$REDIS_PORT"; do
    if port_open "${s#*:}"; then echo "${s%%:*} up (127.0.0.1:${s#*:})"; else echo "${s%%:*} down"; rc=1; fi
  done
  return $rc
}

case "${1:-}" in
  up) pg_up; rabbit_up; redis_up; browser_up; status ;;
  down) redis_down; rabbit_down; pg_down; status || true ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
