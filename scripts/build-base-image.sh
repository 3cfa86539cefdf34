#!/usr/bin/env bash
# Builds the Dockerfile's base image, node:20-bookworm-slim, without an image registry
# (air-gapped hosts, CI machines with only a Debian mirror): a minbase Debian bookworm from
# this host's apt mirror with this host's Node 20 laid out as the official image lays it out.
#
#   sudo scripts/build-base-image.sh [--cache DIR] [--force]
#
#   --cache DIR  keep the rootfs tarball in DIR and import it from there next time (no debootstrap).
#   --force      build even if the image exists.
# Environment: DOCKER (client, default `docker`; DOCKER_HOST is honoured), IMAGE (default
# node:20-bookworm-slim), MIRROR and SECURITY_MIRROR (default: the host's apt sources).
# Needs root, debootstrap, and Node 20 with npm on PATH.
set -euo pipefail

DOCKER=${DOCKER:-docker}
IMAGE=${IMAGE:-node:20-bookworm-slim}
cache=""
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) cache=$2; shift 2 ;;
    --force) force=1; shift ;;
    *) echo "usage: $0 [--cache DIR] [--force]" >&2; exit 2 ;;
  esac
done

if [ "$force" = 0 ] && "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "$IMAGE already present"
  exit 0
fi

node_bin=$(command -v node)
node_version=$(node --version)
case "$node_version" in v20.*) ;; *) echo "need Node 20 on PATH, found $node_version" >&2; exit 1 ;; esac

# The changes the official image makes with ENV/CMD; the CA bundle is this host's (see below).
CA_IN_IMAGE=/usr/local/share/host-ca-certificates.crt
import_rootfs() { # $1: tarball, or - for stdin
  "$DOCKER" import \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV NODE_VERSION=${node_version#v}" \
    --change "ENV NODE_EXTRA_CA_CERTS=$CA_IN_IMAGE" \
    --change 'CMD ["node"]' \
    "$1" "$IMAGE" >/dev/null
  echo "imported $IMAGE (Node $node_version)"
}

tarball=""
if [ -n "$cache" ]; then
  mkdir -p "$cache"
  tarball="$cache/node-${node_version}-bookworm-rootfs.tar"
  if [ -s "$tarball" ] && [ "$force" = 0 ]; then
    import_rootfs "$tarball"
    exit 0
  fi
fi

[ "$(id -u)" = 0 ] || { echo "debootstrap needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }

# The host's Debian mirror: first URI of its deb822 or one-line sources.
host_uri() { # $1: suite to look for
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v s="$1" '/^URIs:/{u=$2} /^Suites:/{for(i=2;i<=NF;i++) if($i==s){print u; exit}}' "$f"
  done | head -n1
  if [ -f /etc/apt/sources.list ]; then
    awk -v s="$1" '$1=="deb" && $3==s {print $2; exit}' /etc/apt/sources.list
  fi
}
MIRROR=${MIRROR:-$(host_uri bookworm | head -n1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SECURITY_MIRROR:-$(host_uri bookworm-security | head -n1)}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}

work=$(mktemp -d /tmp/raftkv-base-image.XXXXXX)
rootfs="$work/rootfs"
cleanup() {
  mountpoint -q "$rootfs/proc" 2>/dev/null && umount "$rootfs/proc"
  rm -rf "$work"
}
trap cleanup EXIT

echo "debootstrap bookworm from $MIRROR"
debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECURITY_MIRROR bookworm-security main
EOF
# Mirrors may be snapshots whose Release files have expired.
echo 'Acquire::Check-Valid-Until "false";' >"$rootfs/etc/apt/apt.conf.d/99check-valid-until"
# As the official slim images: no recommends, no docs.
echo 'APT::Install-Recommends "false";' >"$rootfs/etc/apt/apt.conf.d/99no-recommends"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
mount -t proc proc "$rootfs/proc"
chroot "$rootfs" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -qq && apt-get clean' >"$work/upgrade.log" 2>&1 \
  || { tail -n 30 "$work/upgrade.log" >&2; exit 1; }
chroot "$rootfs" /bin/sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
umount "$rootfs/proc"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
: >"$rootfs/etc/resolv.conf"

# Node as the official image lays it out: /usr/local/{bin,lib/node_modules,include/node}.
npm_root=$(npm root -g)
install -D -m 755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
for m in npm corepack; do
  [ -d "$npm_root/$m" ] && cp -a "$npm_root/$m" "$rootfs/usr/local/lib/node_modules/"
done
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
[ -d "$rootfs/usr/local/lib/node_modules/corepack" ] \
  && ln -s ../lib/node_modules/corepack/dist/corepack.js "$rootfs/usr/local/bin/corepack"
# Headers, so that native modules (better-sqlite3's fallback build) need not download them.
node_prefix=$(dirname "$(dirname "$(readlink -f "$node_bin")")")
if [ -d "$node_prefix/include/node" ]; then
  mkdir -p "$rootfs/usr/local/include" "$rootfs/usr/local/etc"
  cp -a "$node_prefix/include/node" "$rootfs/usr/local/include/node"
  echo 'nodedir=/usr/local' >"$rootfs/usr/local/etc/npmrc"
fi
# The CAs this host trusts (a TLS-intercepting egress proxy's among them): npm ci in the
# build stage fails with SELF_SIGNED_CERT_IN_CHAIN without them.
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs$CA_IN_IMAGE"
else
  : >"$rootfs$CA_IN_IMAGE"
fi

if [ -n "$tarball" ]; then
  tar -C "$rootfs" --numeric-owner -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
  import_rootfs "$tarball"
else
  tar -C "$rootfs" --numeric-owner -c . | import_rootfs -
fi
