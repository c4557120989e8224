#!/usr/bin/env bash
# Prints the path of an OpenTofu CLI (>= 1.11) the acceptance tests can use:
# TF_ACC_TOFU_PATH, else `tofu` on PATH, else the version the wrapper module
# scripts/opentofu-build/ requires from the machine's tool cache, built there
# from the Go module proxy first when missing (once per machine, shared by
# every clone; see scripts/lib.sh for the cache and the versions, and
# scripts/opentofu-build/README.md for the wrapper).
#
# With --no-build it exits 3 instead of building (for callers that must stay
# quick, such as the docs test and make test's preflight).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

build=1
case "${1:-}" in
  "") ;;
  --no-build) build=0 ;;
  *) echo "usage: $0 [--no-build]" >&2; exit 2 ;;
esac

seen=()
for c in "${TF_ACC_TOFU_PATH:-}" "$(command -v tofu 2>/dev/null || true)" "$opentofu_cached"; do
  [ -n "$c" ] || continue
  if cli_ok "$c" OpenTofu "$OPENTOFU_OLDEST"; then echo "$c"; exit 0; fi
  [ -e "$c" ] && seen+=("$(describe "$c")")
done

if [ "$build" = 0 ]; then
  echo "OpenTofu ${OPENTOFU_BUILD_VERSION#v} would have to be built (run scripts/opentofu.sh once, or set TF_ACC_TOFU_PATH)" >&2
  exit 3
fi
echo "OpenTofu >= $OPENTOFU_OLDEST not found (TF_ACC_TOFU_PATH, PATH)${seen[*]:+; found only: ${seen[*]}}." >&2
echo "Building OpenTofu ${OPENTOFU_BUILD_VERSION#v} from the Go module proxy into $cache ($OPENTOFU_BUILD_TIME; once per machine)." >&2
build_wrapper "$OPENTOFU_WRAPPER" github.com/opentofu/opentofu github.com/opentofu/opentofu/cmd/tofu \
  OpenTofu "$opentofu_cached"
echo "$opentofu_cached"
