#!/usr/bin/env bash
# Renders docs/ with tfplugindocs (make generate), offline.
#
#   scripts/docs.sh                  regenerate docs/ in place, then validate it
#   scripts/docs.sh --out DIR        render into DIR instead (docs/ untouched), validate
#   scripts/docs.sh --no-build ...   never build a CLI; exit 3 when no suitable CLI is
#                                    found (the docs test skips on that)
#
# The provider schema is exported by a Terraform CLI that knows every schema
# feature tfplugindocs renders: list resources and actions reach `providers
# schema -json` from Terraform 1.14 on (ephemeral resources from 1.10,
# write-only attributes from 1.11); OpenTofu has no list resources nor
# actions. So the CLI is Terraform >= 1.14: TF_ACC_TERRAFORM_PATH, then
# `terraform` on PATH, then one in the tool cache, else scripts/terraform.sh
# (which builds the Terraform of scripts/terraform-build/ into the tool cache when missing). An older
# CLI would silently drop pages, so none is used. The schema goes to
# tfplugindocs through --providers-schema, so tfplugindocs never downloads a
# CLI and never contacts a registry. tfplugindocs itself is the Go tool pinned
# in tools/go.mod.
#
# Inputs: templates/ and examples/ (and the provider's Go code, for the schema).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MIN_VERSION="1.14.0" # list resources and actions reach `providers schema -json` from 1.14 on
PROVIDER_NAME="clprovisioning"
root=$lib_root

out=""
no_build=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --no-build) no_build="--no-build"; shift ;;
    *) echo "usage: $0 [--no-build] [--out DIR]" >&2; exit 2 ;;
  esac
done

export CHECKPOINT_DISABLE=1

cli=""
for c in "${TF_ACC_TERRAFORM_PATH:-}" "$(command -v terraform 2>/dev/null || true)" \
  $(ls -d "$cache"/terraform-v1.*/terraform 2>/dev/null | sort -rV); do
  if cli_ok "$c" Terraform "$MIN_VERSION"; then cli="$c"; break; fi
done
if [ -z "$cli" ]; then
  if [ -n "$no_build" ]; then
    echo "docs: no Terraform >= $MIN_VERSION (TF_ACC_TERRAFORM_PATH, PATH or the tool cache $cache):" \
      "cannot export a complete provider schema (list resources and actions need 1.14)" >&2
    exit 3
  fi
  cli=$("$root/scripts/terraform.sh")
  if ! cli_ok "$cli" Terraform "$MIN_VERSION"; then
    echo "docs: $cli is not Terraform >= $MIN_VERSION: cannot export a complete provider schema" >&2
    exit 1
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/clprovisioning-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$work/log"
run() { # run a step quietly; show its output (less debug lines) when it fails
  if ! "$@" >"$log" 2>&1; then
    echo "docs: failed: $*" >&2
    grep -v '\[DEBUG\]' "$log" >&2
    exit 1
  fi
}

# 1. The provider schema, as `providers schema -json` prints it. The provider is
#    installed from a plugin directory under the address tfplugindocs looks for
#    (registry.terraform.io/hashicorp/<name>), so no registry is contacted.
goos=$(go env GOOS)
goarch=$(go env GOARCH)
plugin_dir="$work/tf/plugins/registry.terraform.io/hashicorp/$PROVIDER_NAME/0.0.1/${goos}_${goarch}"
run go build -C "$root" -o "$plugin_dir/terraform-provider-$PROVIDER_NAME" .
cat > "$work/tf/main.tf" <<EOF
terraform {
  required_providers {
    $PROVIDER_NAME = {
      source = "registry.terraform.io/hashicorp/$PROVIDER_NAME"
    }
  }
}
EOF
(
  cd "$work/tf"
  export TF_CLI_CONFIG_FILE=/dev/null TF_IN_AUTOMATION=1
  unset TF_DATA_DIR TF_PLUGIN_CACHE_DIR TF_WORKSPACE TOFU_CLI_CONFIG_FILE TF_REATTACH_PROVIDERS
  run "$cli" init -backend=false -input=false -no-color -plugin-dir=./plugins
  if ! "$cli" providers schema -json >"$work/schema.json" 2>"$log"; then
    echo "docs: failed: $cli providers schema -json" >&2
    cat "$log" >&2
    exit 1
  fi
)

# 2. Render from copies of templates/ and examples/, so that docs/ is replaced
#    only by a complete, validated result.
site="$work/site"
mkdir -p "$site"
# (without the working files of a local `terraform init` in an example)
tar -C "$root" --exclude=.terraform --exclude='*.tfstate*' --exclude=.terraform.lock.hcl \
  --exclude='*.tfplan' -cf - templates examples | tar -C "$site" -xf -
tfplugindocs() { (cd "$root/tools" && go tool tfplugindocs "$@"); }
run tfplugindocs generate --provider-name "$PROVIDER_NAME" --provider-dir "$site" \
  --providers-schema "$work/schema.json"
run tfplugindocs validate --provider-name "$PROVIDER_NAME" --provider-dir "$site" \
  --providers-schema "$work/schema.json"

if [ -n "$out" ]; then
  mkdir -p "$out"
  cp -R "$site/docs/." "$out/"
else
  rm -rf "$root/docs"
  cp -R "$site/docs" "$root/docs"
  echo "docs/ regenerated (schema from $("$cli" version 2>/dev/null | head -n1))"
fi
