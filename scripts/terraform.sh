#!/usr/bin/env bash
# Prints the path of a Terraform CLI the tests and the demo can use.
#
#   scripts/terraform.sh          a Terraform >= 1.14 (what `make test` needs: list
#                                 resources and `terraform query`, actions, resource
#                                 identity): TF_ACC_TERRAFORM_PATH, else `terraform`
#                                 on PATH, when recent enough; else Terraform 1.14.8
#                                 from the machine's tool cache, built there first
#                                 when missing (once per machine, see below)
#   scripts/terraform.sh --min    Terraform 1.8.5 exactly, the oldest version the
#                                 provider supports (make test-min-terraform), from
#                                 the tool cache, built there first when missing
#
# The tool cache is shared by every clone of the project:
# ${CLPROVISIONING_TOOLS_CACHE:-${XDG_CACHE_HOME:-~/.cache}/terraform-provider-clprovisioning}.
#
# How each is built (both from the Go module proxy only, with the flags of a
# release build: CGO off, and version.dev=no so that it does not call itself
# X.Y.Z-dev):
# - 1.8.5: `go install github.com/hashicorp/terraform@v1.8.5` (about 2 minutes).
# - 1.14.8: through the wrapper module committed in scripts/terraform-1.14/
#   (10 to 25 minutes on a 2-core machine, by load; see scripts/terraform-1.14/README.md).
#   From 1.9 on, Terraform's go.mod replaces some of its dependencies (its
#   remote-state backends) with directories the module zip leaves out, so
#   `go install` refuses it; the wrapper stands in for those backends. Local
#   state, the only kind the tests use, is Terraform's own code, unchanged.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
WANT_VERSION="1.14.0"   # the oldest Terraform accepted from outside the tool cache
BUILD_VERSION="v1.14.8" # must match the `require` in scripts/terraform-1.14/go.mod
MIN_BUILD_VERSION="v1.8.5"
cache=${CLPROVISIONING_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-clprovisioning}

LDFLAGS="-s -w -X github.com/hashicorp/terraform/version.dev=no"

version_of() { # $1 = a terraform binary; prints e.g. 1.14.8 (or 1.14.8-dev)
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version -json 2>/dev/null |
    sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p'
}
version_ok() { # $1 = a terraform binary: Terraform >= WANT_VERSION, not OpenTofu
  local v
  [ -x "$1" ] || return 1
  v=$(version_of "$1")
  v=${v%%-*}
  # OpenTofu answers `version -json` the same way; it is not Terraform.
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null | head -n1 | grep -q '^Terraform v' &&
    [ -n "$v" ] && [ "$(printf '%s\n%s\n' "$WANT_VERSION" "$v" | sort -V | head -n1)" = "$WANT_VERSION" ]
}
cached_ok() { # $1 = binary, $2 = the version it must report exactly
  [ -x "$1" ] && [ "v$(version_of "$1")" = "$2" ]
}

# Each build goes to a temporary directory of the cache, then a rename: two
# runs at once never see a half-written binary.
install_built() { # $1 = built binary, $2 = destination, $3 = version
  cached_ok "$1" "$3" || { echo "built $1 but it does not report Terraform ${3#v}" >&2; exit 1; }
  mkdir -p "$(dirname "$2")"
  mv "$1" "$2"
}

if [ "${1:-}" = "--min" ]; then
  local_tf="$cache/terraform-$MIN_BUILD_VERSION/terraform"
  if ! cached_ok "$local_tf" "$MIN_BUILD_VERSION"; then
    echo "building Terraform $MIN_BUILD_VERSION into $cache (about 2 minutes, once per machine)" >&2
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/.terraform-build.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    CGO_ENABLED=0 GOBIN="$tmp" go install -trimpath -ldflags "$LDFLAGS" \
      "github.com/hashicorp/terraform@$MIN_BUILD_VERSION" >&2
    install_built "$tmp/terraform" "$local_tf" "$MIN_BUILD_VERSION"
  fi
  echo "$local_tf"; exit 0
fi
[ $# -eq 0 ] || { echo "usage: $0 [--min]" >&2; exit 2; }

if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ] && version_ok "$TF_ACC_TERRAFORM_PATH"; then
  echo "$TF_ACC_TERRAFORM_PATH"; exit 0
fi
if on_path=$(command -v terraform 2>/dev/null) && version_ok "$on_path"; then
  echo "$on_path"; exit 0
fi
local_tf="$cache/terraform-$BUILD_VERSION/terraform"
if ! cached_ok "$local_tf" "$BUILD_VERSION"; then
  echo "Terraform >= $WANT_VERSION not found (TF_ACC_TERRAFORM_PATH, PATH): building Terraform" \
    "$BUILD_VERSION into $cache (10 to 25 minutes on 2 cores, once per machine)" >&2
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.terraform-build.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # -mod=readonly: exactly the versions and checksums committed in
  # scripts/terraform-1.14/go.mod and go.sum, which nothing here rewrites.
  CGO_ENABLED=0 go build -C "$root/scripts/terraform-1.14" -mod=readonly -trimpath \
    -ldflags "$LDFLAGS" -o "$tmp/terraform" github.com/hashicorp/terraform >&2
  install_built "$tmp/terraform" "$local_tf" "$BUILD_VERSION"
fi
echo "$local_tf"
