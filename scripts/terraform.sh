#!/usr/bin/env bash
# Prints the path of a Terraform CLI the tests and the demo can use: the one
# on PATH when it is recent enough, else one built from the Go module proxy
# (about 2 minutes, once per machine; versions from 1.9 on cannot be built
# this way) into the machine's tool cache, shared by every clone:
# ${CLPROVISIONING_TOOLS_CACHE:-${XDG_CACHE_HOME:-~/.cache}/terraform-provider-clprovisioning}.
#
# With --min it prints a Terraform of exactly BUILD_VERSION, the oldest version
# the provider supports (make test-min-terraform), from that cache.
set -euo pipefail
MIN_VERSION="1.8.0"
BUILD_VERSION="v1.8.5"
cache=${CLPROVISIONING_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-clprovisioning}
local_tf="$cache/terraform-$BUILD_VERSION/terraform"

# Release builds: without version.dev=no, a build reports itself as X.Y.Z-dev.
LDFLAGS="-X github.com/hashicorp/terraform/version.dev=no"

version_of() { # $1 = a terraform binary; prints e.g. 1.8.5 (or 1.8.5-dev)
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p'
}
version_ok() { # $1 = a terraform binary
  local v
  v=$(version_of "$1")
  v=${v%%-*}
  [ -n "$v" ] && [ "$(printf '%s\n%s\n' "$MIN_VERSION" "$v" | sort -V | head -n1)" = "$MIN_VERSION" ]
}

# build installs BUILD_VERSION into the cache; a temporary directory and a
# rename keep two runs at once from seeing a half-written binary.
build() {
  echo "building terraform $BUILD_VERSION into $cache (takes a few minutes, once per machine)" >&2
  mkdir -p "$cache"
  local tmp
  tmp=$(mktemp -d "$cache/.terraform-build.XXXXXX")
  GOBIN="$tmp" go install -ldflags "$LDFLAGS" "github.com/hashicorp/terraform@$BUILD_VERSION" >&2
  mkdir -p "$(dirname "$local_tf")"
  mv "$tmp/terraform" "$local_tf"
  rm -rf "$tmp"
}
cached_ok() { [ -x "$local_tf" ] && [ "v$(version_of "$local_tf")" = "$BUILD_VERSION" ]; }

if [ "${1:-}" = "--min" ]; then
  cached_ok || build
  echo "$local_tf"; exit 0
fi

if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ] && version_ok "$TF_ACC_TERRAFORM_PATH"; then
  echo "$TF_ACC_TERRAFORM_PATH"; exit 0
fi
if on_path=$(command -v terraform 2>/dev/null) && version_ok "$on_path"; then
  echo "$on_path"; exit 0
fi
echo "terraform >= $MIN_VERSION not found on PATH" >&2
cached_ok || build
echo "$local_tf"
