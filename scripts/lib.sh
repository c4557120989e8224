# shellcheck shell=bash
# What the scripts share, written once: sourced by terraform.sh, opentofu.sh,
# preflight.sh, docs.sh and demo.sh (never run on its own).
#
# - the tool cache, shared by every clone on the machine;
# - which CLI versions are supported, required and built, and how long a build takes;
# - how to ask a CLI what it is (Terraform or OpenTofu) and its version.
#
# The version each wrapper module builds is read from its go.mod
# (scripts/terraform-build/, scripts/opentofu-build/): to move to another
# release, change that go.mod (see the wrapper's README), nothing here.

lib_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Built CLIs and tools live here, shared by every clone of the project.
cache=${CLPROVISIONING_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-clprovisioning}

TERRAFORM_WRAPPER="$lib_root/scripts/terraform-build"
OPENTOFU_WRAPPER="$lib_root/scripts/opentofu-build"

# wrapper_version DIR MODULE: the version of MODULE that DIR/go.mod requires,
# e.g. v1.16.4 (read from the file: no network, no Go command).
wrapper_version() {
  local v
  v=$(awk -v m="$2" '
    $1 == "require" && $2 == m { print $3; exit }
    $1 == m && $2 ~ /^v[0-9]/   { print $2; exit }' "$1/go.mod")
  [ -n "$v" ] || { echo "cannot read the version of $2 from $1/go.mod" >&2; return 1; }
  echo "$v"
}

# What the tests and the demo need.
TERRAFORM_BUILD_VERSION=$(wrapper_version "$TERRAFORM_WRAPPER" github.com/hashicorp/terraform) # e.g. v1.16.4
OPENTOFU_BUILD_VERSION=$(wrapper_version "$OPENTOFU_WRAPPER" github.com/opentofu/opentofu)    # e.g. v1.12.6
# make test accepts a Terraform from outside the cache when it is of the wrapper's
# minor version or later (1.16.4 -> 1.16.0): the tests of that version's features run on it.
TERRAFORM_TEST_MIN=$(v=${TERRAFORM_BUILD_VERSION#v}; echo "${v%.*}.0")
# The oldest Terraform the provider supports, built exactly by `make test-min-terraform`
# (`go install`: versions before 1.9 need no wrapper).
TERRAFORM_OLDEST_BUILD_VERSION="v1.8.5"
TERRAFORM_OLDEST=$(v=${TERRAFORM_OLDEST_BUILD_VERSION#v}; echo "${v%.*}.0")
# The oldest OpenTofu the provider supports (write-only arguments, which the tests use).
OPENTOFU_OLDEST="1.11.0"

# How long each build takes, measured on this project's 2-core machine (Go's
# build cache empty; a rebuild with it full takes under a minute).
TERRAFORM_BUILD_TIME="about 7 minutes on 2 idle cores (6.5 measured), up to 25 on busy ones"
TERRAFORM_OLDEST_BUILD_TIME="about 2 minutes"
OPENTOFU_BUILD_TIME="10 to 40 minutes on 2 cores by load (29 measured on a busy machine)"

# Where each build lands in the cache.
terraform_cached="$cache/terraform-$TERRAFORM_BUILD_VERSION/terraform"
terraform_oldest_cached="$cache/terraform-$TERRAFORM_OLDEST_BUILD_VERSION/terraform"
opentofu_cached="$cache/tofu-$OPENTOFU_BUILD_VERSION/tofu"

# cli_name BIN: "Terraform" or "OpenTofu" (empty when BIN is neither, or missing).
cli_name() {
  [ -n "$1" ] && [ -x "$1" ] || return 0
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null |
    sed -n '1s/^\(Terraform\|OpenTofu\) v.*/\1/p'
}

# cli_version BIN: its version, e.g. 1.16.4 (1.16.4-dev for a development build).
# Both CLIs answer `version -json` with "terraform_version".
cli_version() {
  [ -n "$1" ] && [ -x "$1" ] || return 0
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version -json 2>/dev/null |
    sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p'
}

# version_at_least HAVE WANT: HAVE >= WANT (x.y.z; a -suffix of HAVE is ignored).
version_at_least() {
  local have=${1%%-*}
  [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$2" "$have" | sort -V | head -n1)" = "$2" ]
}

# cli_ok BIN NAME MIN: BIN is NAME (Terraform or OpenTofu) of version MIN or later.
cli_ok() {
  [ "$(cli_name "$1")" = "$2" ] && version_at_least "$(cli_version "$1")" "$3"
}

# cli_is BIN NAME VERSION: BIN is NAME of exactly VERSION (vX.Y.Z), as a cached build must be.
cli_is() {
  [ "$(cli_name "$1")" = "$2" ] && [ "v$(cli_version "$1")" = "$3" ]
}

# describe BIN: "Terraform 1.11.4 (/usr/local/bin/terraform)".
describe() {
  echo "$(cli_name "$1") $(cli_version "$1") ($1)"
}

# build_wrapper DIR MODULE PACKAGE NAME OUT: builds PACKAGE (a command of MODULE)
# from the wrapper module DIR with the flags of a release build (CGO off, and
# MODULE/version.dev=no so that it does not call itself X.Y.Z-dev), and moves it
# to OUT once it reports NAME of the version DIR/go.mod requires. -mod=readonly:
# exactly the versions and checksums committed in DIR/go.mod and go.sum, which
# nothing here rewrites. The build goes to a temporary directory of the cache,
# then a rename: two runs at once never see a half-written binary.
build_wrapper() {
  local dir=$1 module=$2 pkg=$3 name=$4 out=$5 version tmp start=$SECONDS
  version=$(wrapper_version "$dir" "$module") || return 1
  mkdir -p "$cache" "$(dirname "$out")"
  tmp=$(mktemp -d "$cache/.build.XXXXXX")
  # shellcheck disable=SC2064 # expanded now: the trap outlives this function
  trap "rm -rf '$tmp'" EXIT
  CGO_ENABLED=0 go build -C "$dir" -mod=readonly -trimpath \
    -ldflags "-s -w -X '$module/version.dev=no'" -o "$tmp/bin" "$pkg" >&2 || return 1
  if ! cli_is "$tmp/bin" "$name" "$version"; then
    echo "built $pkg but it reports \"$(cli_name "$tmp/bin") $(cli_version "$tmp/bin")\", not $name ${version#v}" >&2
    return 1
  fi
  mv "$tmp/bin" "$out"
  echo "built $name ${version#v} in $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s: $out" >&2
}
