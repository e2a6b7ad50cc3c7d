#!/usr/bin/env bash
# Creates one RabbitMQ user per role with the narrowest permissions MassTransit's topology needs, and removes the
# guest user. Used by scripts/services.sh (the local broker), by docker-compose.yml (inside the rabbitmq
# container) and by the multi-process tests (their own broker), so all three run with the same permissions.
#
#   igw-control-plane  declares and publishes to the message exchanges (config revisions), consumes its own
#                      queues (igw-control-plane-*: heartbeats, usage)
#   igw-node           consumes its own queue (igw-dataplane-<node id>), publishes heartbeats and usage; it can
#                      bind its queue to the config exchange (read) but cannot publish configuration to it
#
# Names follow Bus:EntityPrefix: with a prefix P every exchange and queue is "P-<name>".
# Settings (environment, with defaults):
#   IGW_RABBITMQ_CONTROL_PLANE_USER (igw-control-plane)  IGW_RABBITMQ_CONTROL_PLANE_PASSWORD (igw-control-plane)
#   IGW_RABBITMQ_NODE_USER (igw-node)                    IGW_RABBITMQ_NODE_PASSWORD (igw-node)
#   IGW_BUS_ENTITY_PREFIX ('')  the services' Bus:EntityPrefix
#   IGW_RABBITMQ_VHOST (/)
#   RABBITMQCTL (rabbitmqctl)   the rabbitmqctl to run; RABBITMQ_NODENAME selects the node as usual
# Idempotent: passwords and permissions are set again on every run.
set -euo pipefail

CP_USER="${IGW_RABBITMQ_CONTROL_PLANE_USER:-igw-control-plane}"
CP_PASSWORD="${IGW_RABBITMQ_CONTROL_PLANE_PASSWORD:-igw-control-plane}"
NODE_USER="${IGW_RABBITMQ_NODE_USER:-igw-node}"
NODE_PASSWORD="${IGW_RABBITMQ_NODE_PASSWORD:-igw-node}"
PREFIX="${IGW_BUS_ENTITY_PREFIX:-}"
VHOST="${IGW_RABBITMQ_VHOST:-/}"
CTL="${RABBITMQCTL:-rabbitmqctl}"

if ! [[ "$PREFIX" =~ ^[a-z0-9-]{0,40}$ ]]; then
  echo "IGW_BUS_ENTITY_PREFIX must match Bus:EntityPrefix (^[a-z0-9-]{0,40}\$)" >&2
  exit 2
fi
P="${PREFIX:+$PREFIX-}"

# The message exchanges MassTransit names after the contract types (src/Contracts).
CONFIG='InferenceGateway\.Contracts:ConfigRevisionPublished'
NODE_MESSAGES='InferenceGateway\.Contracts:(DataPlaneHeartbeat|UsageReported)'
CP_QUEUES='igw-control-plane-[a-z0-9._-]+'
# Where MassTransit publishes Fault<T> when a consumer fails (a control plane whose database is down, say):
# MassTransit:Fault--<type>-- bound to MassTransit:Fault. Nothing consumes them, but a refused declare would
# close the consumer's channel.
FAULTS='MassTransit:Fault(--InferenceGateway\.Contracts:[A-Za-z0-9]+--)?'
NODE_QUEUES='igw-dataplane-[A-Za-z0-9._-]+'

# configure: declare (and, for auto-delete queues, delete) the entity; write: publish to an exchange, or be the
# destination of a binding; read: consume from a queue, or be the source of a binding.
CP_CONFIGURE="^${P}(${CONFIG}|${NODE_MESSAGES}|${CP_QUEUES}|${FAULTS})\$"
CP_WRITE="^${P}(${CONFIG}|${CP_QUEUES}|${FAULTS})\$"
CP_READ="^${P}(${NODE_MESSAGES}|${CP_QUEUES}|${FAULTS})\$"
NODE_CONFIGURE="^${P}(${CONFIG}|${NODE_MESSAGES}|${NODE_QUEUES}|${FAULTS})\$"
NODE_WRITE="^${P}(${NODE_MESSAGES}|${NODE_QUEUES}|${FAULTS})\$"
NODE_READ="^${P}(${CONFIG}|${NODE_QUEUES}|${FAULTS})\$"

users() { $CTL -q list_users 2>/dev/null | awk '{print $1}' || true; }

user() { # name password configure write read
  # The list is read whole before matching: under pipefail a `| grep -q` that stops reading early fails the pipe.
  if ! grep -qx "$1" <<<"$(users)"; then
    $CTL -q add_user "$1" "$2" >/dev/null
  fi
  $CTL -q change_password "$1" "$2" >/dev/null
  $CTL -q set_user_tags "$1" >/dev/null
  $CTL -q set_permissions -p "$VHOST" "$1" "$3" "$4" "$5" >/dev/null
}

grep -qx "$VHOST" <<<"$($CTL -q list_vhosts 2>/dev/null || true)" || $CTL -q add_vhost "$VHOST" >/dev/null
user "$CP_USER" "$CP_PASSWORD" "$CP_CONFIGURE" "$CP_WRITE" "$CP_READ"
user "$NODE_USER" "$NODE_PASSWORD" "$NODE_CONFIGURE" "$NODE_WRITE" "$NODE_READ"

# guest is an administrator with a well-known password: it must not exist.
if grep -qx guest <<<"$(users)"; then
  $CTL -q delete_user guest >/dev/null
fi
