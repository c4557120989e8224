#!/usr/bin/env bash
# Prints the path of a Terraform CLI (with --any, possibly OpenTofu), building
# one into the tool cache when none is found (see scripts/lib.sh for the cache
# and the versions).
#
#   scripts/terraform.sh        Terraform of the wrapper's minor version or later
#                               (what `make test` runs on; 1.16 while
#                               scripts/terraform-build/go.mod requires 1.16.x):
#                               TF_ACC_TERRAFORM_PATH, else `terraform` on PATH;
#                               else the wrapper's exact version from the tool
#                               cache, built there first when missing
#   scripts/terraform.sh --any  any CLI the provider supports (what `make demo`
#                               uses): Terraform >= 1.8 or OpenTofu >= 1.11 from
#                               TF_ACC_TERRAFORM_PATH, PATH (`terraform`, then
#                               `tofu`) or the tool cache; built as above only
#                               when there is none
#   scripts/terraform.sh --min  Terraform 1.8.5 exactly, the oldest supported
#                               (make test-min-terraform), from the tool cache,
#                               built there first when missing
#   --no-build (with any of the above): exit 3 instead of building.
#
# How each is built, from the Go module proxy only:
# - the wrapper's version through the module committed in scripts/terraform-build/
#   (see its README): from 1.9 on, Terraform's go.mod replaces some of its
#   dependencies (its remote-state backends) with directories its module zip
#   leaves out, so `go install` refuses it; the wrapper stands in for those
#   backends. Local state, the only kind the tests use, is Terraform's own code.
# - 1.8.5: `go install github.com/hashicorp/terraform@v1.8.5`.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

mode=test mode_flag="" build=1
for arg in "$@"; do
  case "$arg" in
    --any) mode=any mode_flag=" --any" ;;
    --min) mode=min mode_flag=" --min" ;;
    --no-build) build=0 ;;
    *) echo "usage: $0 [--any | --min] [--no-build]" >&2; exit 2 ;;
  esac
done

cannot_build() { # $1 = what would be built
  echo "$1 would have to be built (run scripts/terraform.sh${mode_flag} once, or set TF_ACC_TERRAFORM_PATH)" >&2
  exit 3
}

if [ "$mode" = min ]; then
  if ! cli_is "$terraform_oldest_cached" Terraform "$TERRAFORM_OLDEST_BUILD_VERSION"; then
    [ "$build" = 1 ] || cannot_build "Terraform ${TERRAFORM_OLDEST_BUILD_VERSION#v}"
    echo "building Terraform ${TERRAFORM_OLDEST_BUILD_VERSION#v} into $cache ($TERRAFORM_OLDEST_BUILD_TIME, once per machine)" >&2
    mkdir -p "$cache" "$(dirname "$terraform_oldest_cached")"
    tmp=$(mktemp -d "$cache/.build.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    CGO_ENABLED=0 GOBIN="$tmp" go install -trimpath \
      -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" \
      "github.com/hashicorp/terraform@$TERRAFORM_OLDEST_BUILD_VERSION" >&2
    cli_is "$tmp/terraform" Terraform "$TERRAFORM_OLDEST_BUILD_VERSION" ||
      { echo "built $tmp/terraform but it does not report Terraform ${TERRAFORM_OLDEST_BUILD_VERSION#v}" >&2; exit 1; }
    mv "$tmp/terraform" "$terraform_oldest_cached"
  fi
  echo "$terraform_oldest_cached"
  exit 0
fi

# fits CLI: the CLI is one this mode accepts.
fits() {
  case "$mode" in
    any) cli_ok "$1" Terraform "$TERRAFORM_OLDEST" || cli_ok "$1" OpenTofu "$OPENTOFU_OLDEST" ;;
    *) cli_ok "$1" Terraform "$TERRAFORM_TEST_MIN" ;;
  esac
}
seen=() # what was found but does not fit, for the message when nothing does
consider() { # $1 = a CLI path (may be empty): prints it when it fits
  [ -n "$1" ] || return 1
  if fits "$1"; then echo "$1"; return 0; fi
  [ -e "$1" ] && seen+=("$(describe "$1")")
  return 1
}
on_path() { command -v "$1" 2>/dev/null || true; }
build_or_stop() { # $1 = what was wanted
  [ "$build" = 1 ] || cannot_build "Terraform ${TERRAFORM_BUILD_VERSION#v}"
  echo "$1 not found (TF_ACC_TERRAFORM_PATH, PATH${2:+, $2})${seen[*]:+; found only: ${seen[*]}}." >&2
  echo "Building Terraform ${TERRAFORM_BUILD_VERSION#v} from the Go module proxy into $cache" \
    "($TERRAFORM_BUILD_TIME; once per machine)." >&2
  build_wrapper "$TERRAFORM_WRAPPER" github.com/hashicorp/terraform github.com/hashicorp/terraform \
    Terraform "$terraform_cached"
}

if [ "$mode" = any ]; then
  consider "${TF_ACC_TERRAFORM_PATH:-}" || consider "$(on_path terraform)" || consider "$(on_path tofu)" ||
    consider "$terraform_cached" || consider "$opentofu_cached" || consider "$terraform_oldest_cached" || {
      build_or_stop "No Terraform >= $TERRAFORM_OLDEST nor OpenTofu >= $OPENTOFU_OLDEST" "the tool cache" || exit 1
      echo "$terraform_cached"
    }
  exit 0
fi

consider "${TF_ACC_TERRAFORM_PATH:-}" || consider "$(on_path terraform)" || {
  cli_is "$terraform_cached" Terraform "$TERRAFORM_BUILD_VERSION" || build_or_stop "Terraform >= $TERRAFORM_TEST_MIN" || exit 1
  echo "$terraform_cached"
}
