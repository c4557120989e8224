#!/usr/bin/env bash
# make demo: build the provider, start the simulator on a free loopback port,
# apply examples/demo with a real Terraform CLI through a throw-away
# dev_overrides CLI config, show the result, prove the second plan empty,
# destroy, and stop the simulator.
#
# The CLI is any the provider supports that is already there: Terraform >= 1.8
# or OpenTofu >= 1.11 (TF_ACC_TERRAFORM_PATH, PATH, the tool cache); one is
# built only when there is none, and scripts/terraform.sh --any says so first.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
root=$lib_root
cd "$root"
export CHECKPOINT_DISABLE=1
started=$SECONDS

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Finding a Terraform CLI"
tf=$(scripts/terraform.sh --any)
echo "Using $(describe "$tf")"

step "Building the provider and the simulator"
mkdir -p bin
go build -o bin/terraform-provider-clprovisioning .
go build -o bin/simulator ./internal/simulator/cmd/simulator

work=$(mktemp -d "${TMPDIR:-/tmp}/clprovisioning-demo.XXXXXX")
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

step "Starting the simulator on loopback"
client_id="demo-client-id"
client_secret="demo-client-secret-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
bin/simulator -addr 127.0.0.1:0 -client-id "$client_id" -client-secret "$client_secret" \
  -requests-log "$work/requests.log" > "$work/simulator.out" 2>&1 &
sim_pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^simulator listening on \(http[^ ]*\).*/\1/p' "$work/simulator.out")
  [ -n "$url" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$work/simulator.out"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "simulator did not start"; cat "$work/simulator.out"; exit 1; }
echo "Simulator: $url"

# A throw-away CLI config that points Terraform at the provider just built.
cat > "$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "clprovisioning/clprovisioning" = "$root/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export CLPROVISIONING_CLIENT_ID="$client_id" CLPROVISIONING_CLIENT_SECRET="$client_secret"
export CLPROVISIONING_API_URL="$url" CLPROVISIONING_AUTH_URL="$url"
unset CLPROVISIONING_ACCESS_TOKEN

# The demo uses the module next to it: copy both, keeping the layout.
mkdir -p "$work/config"
cp -R examples/demo examples/modules "$work/config/"
cd "$work/config/demo"

# `terraform get` installs the local module only: the provider comes from
# dev_overrides, and a full init would look it up in the registry.
step "terraform get (the org-onboarding module)"
"$tf" get -no-color

step "terraform apply"
"$tf" apply -auto-approve -input=false -no-color 2>&1 | grep -v -e 'Provider development overrides' -e 'dev_overrides' -e '^ *- clprovisioning/' -e 'published releases' -e 'compatible with the' -e '^│ *$' || true
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "apply failed"; exit 1; }

step "Outputs"
"$tf" output -no-color

step "Second plan (must be empty)"
set +e
"$tf" plan -detailed-exitcode -input=false -no-color > "$work/plan.txt" 2>&1
code=$?
set -e
grep -E 'No changes|Plan:' "$work/plan.txt" || true
if [ "$code" -ne 0 ]; then echo "second plan is not empty (exit $code):"; cat "$work/plan.txt"; exit 1; fi
echo "OK: the second plan is empty."

step "terraform destroy"
"$tf" destroy -auto-approve -input=false -no-color 2>&1 | grep -E 'Destroy complete|Warning|not deleted|Error' || true
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "destroy failed"; exit 1; }

step "API calls served by the simulator"
awk -F'"method":"' 'NF>1{split($2,a,"\""); m[a[1]]++} END{for(k in m) printf "  %-6s %d\n", k, m[k]}' "$work/requests.log" | sort
echo
echo "Demo finished in $((SECONDS - started)) s."
