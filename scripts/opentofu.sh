#!/usr/bin/env bash
# Prints the path of an OpenTofu CLI (>= 1.11) the acceptance tests can use:
# TF_ACC_TOFU_PATH, else `tofu` on PATH, else the one in the machine's tool
# cache (${CLPROVISIONING_TOOLS_CACHE:-${XDG_CACHE_HOME:-~/.cache}/terraform-provider-clprovisioning}),
# else one built from the Go module proxy into that cache (4 to 40 minutes on 2 cores, by load,
# once per machine, shared by every clone).
#
# OpenTofu is built through a tiny wrapper module written into
# a temporary directory of the cache: it requires github.com/opentofu/opentofu at
# BUILD_VERSION and repeats the one `replace` directive of OpenTofu's own
# go.mod (Go ignores replace directives of a dependency, and OpenTofu does not
# build without that one). When you move BUILD_VERSION, copy the replace line
# from that version's go.mod:
#   go mod download -json github.com/opentofu/opentofu@vX.Y.Z   (see "GoMod")
#
# v1.12.6 is the newest release the module proxy serves (and the checksum
# database confirms) when this was written; the acceptance tests accept any
# OpenTofu >= MIN_VERSION found first (TF_ACC_TOFU_PATH, PATH).
#
# With --no-build it exits 3 instead of building (for callers that must stay
# quick, such as the docs test).
set -euo pipefail
MIN_VERSION="1.11.0"
BUILD_VERSION="v1.12.6"
REPLACE_LINE="github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828"

# Built binaries live in the machine's tool cache, shared by every clone.
cache=${CLPROVISIONING_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-clprovisioning}
local_tofu="$cache/tofu-$BUILD_VERSION/tofu"
build=1
[ "${1:-}" = "--no-build" ] && build=0

version_of() { # $1 = a tofu binary
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version -json 2>/dev/null |
    sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p'
}
version_ok() { # $1 = a tofu binary
  local v
  v=$(version_of "$1")
  [ -n "$v" ] && [ "$(printf '%s\n%s\n' "$MIN_VERSION" "$v" | sort -V | head -n1)" = "$MIN_VERSION" ]
}

if [ -n "${TF_ACC_TOFU_PATH:-}" ]; then
  if version_ok "$TF_ACC_TOFU_PATH"; then echo "$TF_ACC_TOFU_PATH"; exit 0; fi
  echo "TF_ACC_TOFU_PATH=$TF_ACC_TOFU_PATH is not OpenTofu >= $MIN_VERSION; looking elsewhere" >&2
fi
if on_path=$(command -v tofu 2>/dev/null) && version_ok "$on_path"; then
  echo "$on_path"; exit 0
fi
if [ -x "$local_tofu" ] && version_ok "$local_tofu"; then
  echo "$local_tofu"; exit 0
fi
if [ "$build" = 0 ]; then
  echo "OpenTofu >= $MIN_VERSION not found (set TF_ACC_TOFU_PATH, or run scripts/opentofu.sh once to build it)" >&2
  exit 3
fi

echo "OpenTofu >= $MIN_VERSION not found: building OpenTofu $BUILD_VERSION into $cache (4 to 40 minutes on 2 cores, by load; once per machine)" >&2
mkdir -p "$cache" "$(dirname "$local_tofu")"
wrapper=$(mktemp -d "$cache/.opentofu-build.XXXXXX")
trap 'rm -rf "$wrapper"' EXIT
cat > "$wrapper/go.mod" <<EOF
module opentofu-build

go 1.26.6

tool github.com/opentofu/opentofu/cmd/tofu

require github.com/opentofu/opentofu $BUILD_VERSION

replace $REPLACE_LINE
EOF
(
  cd "$wrapper"
  go mod tidy
  # The flags of OpenTofu's own release build (.goreleaser.yaml): without
  # version.dev=no it reports itself as X.Y.Z-dev.
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X 'github.com/opentofu/opentofu/version.dev=no'" \
    -o "$wrapper/tofu" github.com/opentofu/opentofu/cmd/tofu
) >&2
mv "$wrapper/tofu" "$local_tofu"
version_ok "$local_tofu" || { echo "built $local_tofu but it does not report OpenTofu >= $MIN_VERSION" >&2; exit 1; }
echo "$local_tofu"
