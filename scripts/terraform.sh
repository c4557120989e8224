#!/usr/bin/env bash
# Prints the path of a Terraform CLI the tests and the demo can use: the one
# on PATH when it is recent enough, else one built from the Go module proxy
# into bin/ (about 2 minutes, once; versions from 1.9 on cannot be built this way).
#
# With --min it prints a Terraform of exactly BUILD_VERSION, the oldest version
# the provider supports (make test-min-terraform): bin/terraform when it is that
# version, else bin/terraform-BUILD_VERSION/terraform, built when missing.
set -euo pipefail
MIN_VERSION="1.8.0"
BUILD_VERSION="v1.8.5"
root=$(cd "$(dirname "$0")/.." && pwd)
local_tf="$root/bin/terraform"

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

if [ "${1:-}" = "--min" ]; then
  if [ -x "$local_tf" ] && [ "v$(version_of "$local_tf")" = "$BUILD_VERSION" ]; then
    echo "$local_tf"; exit 0
  fi
  min_dir="$root/bin/terraform-$BUILD_VERSION"
  if ! { [ -x "$min_dir/terraform" ] && [ "v$(version_of "$min_dir/terraform")" = "$BUILD_VERSION" ]; }; then
    echo "building terraform $BUILD_VERSION into bin/terraform-$BUILD_VERSION/ (takes a few minutes, once)" >&2
    GOBIN="$min_dir" go install -ldflags "$LDFLAGS" "github.com/hashicorp/terraform@$BUILD_VERSION" >&2
  fi
  echo "$min_dir/terraform"; exit 0
fi

if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ] && version_ok "$TF_ACC_TERRAFORM_PATH"; then
  echo "$TF_ACC_TERRAFORM_PATH"; exit 0
fi
if on_path=$(command -v terraform 2>/dev/null) && version_ok "$on_path"; then
  echo "$on_path"; exit 0
fi
if [ -x "$local_tf" ] && version_ok "$local_tf"; then
  echo "$local_tf"; exit 0
fi
echo "terraform >= $MIN_VERSION not found: building terraform $BUILD_VERSION into bin/ (takes a few minutes, once)" >&2
GOBIN="$root/bin" go install -ldflags "$LDFLAGS" "github.com/hashicorp/terraform@$BUILD_VERSION" >&2
echo "$local_tf"
