#!/usr/bin/env bash
# System packages the test suite needs and pip cannot provide: Debian's Chromium (real-browser
# tests, static image export), PostgreSQL (workshop storage tests, deploy/) and HAProxy (the
# load balancer of deploy/ and its replica test). Idempotent: installs
# only what is missing. Needs root (or sudo) on a Debian-based machine.
set -euo pipefail

need=()
[ -x /usr/lib/chromium/chromium ] || need+=(chromium)
# The server binaries (initdb, pg_ctl) that tests/pg_cluster.py runs; the client package alone lacks them.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
# The load balancer in front of several replicas (deploy/haproxy.cfg, tests/system/test_replicas.py).
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
# Fonts so that screenshots and exported charts render text.
fc-list 2>/dev/null | grep -qi "dejavu" || need+=(fonts-dejavu-core)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install_system_deps: need root to install: ${need[*]}" >&2; exit 1
  fi
fi
echo "Installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
