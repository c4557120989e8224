#!/usr/bin/env bash
# Reports drift between a Terraform configuration and Commerce Layer: changes
# made by hand in the Dashboard (or by other tools) since the last apply.
#
#   drift-check.sh [DIR]     DIR is the root module to check (default: .)
#
# Exit codes, for pipelines: 0 no drift, 2 drift found, 1 error.
# Environment: the provider's CLPROVISIONING_* variables; TERRAFORM (default
# terraform); DRIFT_SINCE, an RFC 3339 time, to also list who changed what
# since then (from the clprovisioning_versions data source, when the
# configuration exposes it as the output "changes_since_last_apply").
set -uo pipefail

dir=${1:-.}
tf=${TERRAFORM:-terraform}
cd "$dir" || exit 1

"$tf" init -input=false -no-color >/dev/null || { echo "drift-check: terraform init failed" >&2; exit 1; }

# A refresh-only plan compares the state with the real objects only; a normal
# plan also shows what the configuration would change back. Both matter: the
# second is what an apply would do.
plan_args=(-input=false -no-color -lock=false -detailed-exitcode -out=drift.tfplan)
if [ -n "${DRIFT_SINCE:-}" ]; then
  plan_args+=(-var "since=${DRIFT_SINCE}")
fi
"$tf" plan "${plan_args[@]}" >plan.log 2>&1
status=$?

if [ "$status" = 2 ] && command -v jq >/dev/null; then
  # Exit code 2 also means "outputs would change" (new versions in the audit
  # trail, for one): drift is a change to a managed object.
  objects=$("$tf" show -json drift.tfplan | jq '[(.resource_drift // [])[], (.resource_changes // [])[] |
    select(.mode == "managed" and .change.actions != ["no-op"])] | length')
  [ "$objects" = 0 ] && status=0
fi

case $status in
  0)
    echo "drift-check: no drift: Commerce Layer matches the configuration."
    ;;
  2)
    echo "drift-check: DRIFT: Commerce Layer differs from the configuration."
    echo
    if ! command -v jq >/dev/null; then
      "$tf" show -no-color drift.tfplan # without jq: the whole plan
      rm -f drift.tfplan
      exit 2
    fi
    # The resources changed outside Terraform, and what an apply would do.
    "$tf" show -json drift.tfplan | jq -r '
      (.resource_drift // [])[] | "changed outside Terraform: \(.address) (\(.change.actions | join(",")))"'
    "$tf" show -json drift.tfplan | jq -r '
      .resource_changes[] | select(.mode == "managed" and .change.actions != ["no-op"]) |
      "apply would \(.change.actions | join("/")): \(.address)"'
    if [ -n "${DRIFT_SINCE:-}" ]; then
      echo
      echo "Recorded changes since ${DRIFT_SINCE} (versions):"
      "$tf" show -json drift.tfplan | jq -r '
        .planned_values.outputs.changes_since_last_apply.value // [] | .[] |
        "  \(.when)  \(.what)  \(.event)  by \(.who)  \(.changes | tostring)"'
    fi
    ;;
  *)
    echo "drift-check: terraform plan failed:" >&2
    cat plan.log >&2
    status=1
    ;;
esac
rm -f drift.tfplan
exit $status
