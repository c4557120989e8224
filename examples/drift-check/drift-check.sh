#!/usr/bin/env bash
# Reports drift between a Terraform configuration and Commerce Layer:
#  - changes made by hand in the Dashboard (or by other tools) to the objects
#    the configuration manages, since the last apply (a plan);
#  - objects added by hand to the organizations it manages: memberships,
#    membership profiles, API credentials, application memberships, roles,
#    permissions and identity providers that are in no Terraform state.
#
#   drift-check.sh [options] [DIR]     DIR is the root module to check (default: .)
#
# Options:
#   -json           print the report as JSON on stdout instead of text
#   -report FILE    also write the JSON report to FILE
#   -state DIR      another root module whose state manages objects of the same
#                   organizations (repeatable): what any of the states holds is
#                   managed. Each is initialised (terraform init) and read, never
#                   changed.
#   -provider FILE  a .tf file configuring provider "clprovisioning" (and the
#                   variables it uses), for listing what exists; by default the
#                   provider is configured from the CLPROVISIONING_* variables
#   -no-unmanaged   only check the managed objects (the plan)
#
# Exit codes, for pipelines: 0 nothing to report, 2 drift or unmanaged objects
# found, 1 error.
#
# Environment: the provider's CLPROVISIONING_* variables; TERRAFORM (default
# terraform); DRIFT_SINCE, an RFC 3339 time, to also list who changed what
# since then (from the clprovisioning_versions data source, when the
# configuration exposes it as the output "changes_since_last_apply");
# DRIFT_INVENTORY, how existing objects are listed: "query" (list resources,
# Terraform 1.14 and later) or "data-sources" (plural data sources, every
# CLI); by default query where the CLI and the provider support it.
#
# Needs jq.
set -uo pipefail

tf=${TERRAFORM:-terraform}
json=false report_file="" provider_file="" unmanaged=true dir=""
state_dirs=()
while [ $# -gt 0 ]; do
  case $1 in
    -json | --json) json=true ;;
    -report | --report) report_file=${2:?"-report needs a file"}; shift ;;
    -state | --state) state_dirs+=("${2:?"-state needs a directory"}"); shift ;;
    -provider | --provider) provider_file=${2:?"-provider needs a file"}; shift ;;
    -no-unmanaged | --no-unmanaged) unmanaged=false ;;
    -h | -help | --help) sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    -*) echo "drift-check: unknown option $1 (see -help)" >&2; exit 1 ;;
    *) dir=$1 ;;
  esac
  shift
done
dir=${dir:-.}

fail() { echo "drift-check: $*" >&2; exit 1; }
command -v jq >/dev/null || fail "needs jq (https://jqlang.org) to read Terraform's JSON"
command -v "$tf" >/dev/null || fail "no Terraform CLI: $tf (set TERRAFORM)"

# Paths given relative to where the script was started.
abs() { (cd "$(dirname "$1")" 2>/dev/null && echo "$PWD/$(basename "$1")") || fail "no such path: $1"; }
dir=$(cd "$dir" 2>/dev/null && pwd) || fail "no such directory: $dir"
[ -n "$report_file" ] && report_file=$(abs "$report_file")
if [ -n "$provider_file" ]; then
  provider_file=$(abs "$provider_file")
  [ -f "$provider_file" ] || fail "no such file: $provider_file"
fi
for i in "${!state_dirs[@]}"; do
  state_dirs[i]=$(cd "${state_dirs[i]}" 2>/dev/null && pwd) || fail "no such directory: ${state_dirs[i]}"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/drift-check.XXXXXX") || fail "cannot create a scratch directory"
trap 'rm -rf "$work"' EXIT

# run LOG ARGS...: terraform with its output in a log, shown on failure.
run() {
  local log=$1; shift
  "$tf" "$@" >"$log" 2>&1 && return 0
  echo "drift-check: terraform $* failed:" >&2
  cat "$log" >&2
  exit 1
}

# --- 1. The managed objects: a plan --------------------------------------

run "$work/init.log" -chdir="$dir" init -input=false -no-color

# A refresh-only plan compares the state with the real objects only; a normal
# plan also shows what the configuration would change back. Both matter: the
# second is what an apply would do.
plan_args=(-input=false -no-color -lock=false -detailed-exitcode -out="$work/drift.tfplan")
if [ -n "${DRIFT_SINCE:-}" ]; then
  plan_args+=(-var "since=${DRIFT_SINCE}")
fi
"$tf" -chdir="$dir" plan "${plan_args[@]}" >"$work/plan.log" 2>&1
status=$?
if [ "$status" != 0 ] && [ "$status" != 2 ]; then
  echo "drift-check: terraform plan failed:" >&2
  cat "$work/plan.log" >&2
  exit 1
fi
"$tf" -chdir="$dir" show -json "$work/drift.tfplan" >"$work/plan.json" 2>"$work/show.log" ||
  { cat "$work/show.log" >&2; fail "terraform show failed"; }

# Exit code 2 also means "outputs would change" (new versions in the audit
# trail, for one): drift is what an apply would change in a managed object.
# Changes seen outside Terraform that an apply leaves as they are (counters
# and statuses the API keeps, such as an organization's subscription_info)
# are not drift.
jq --arg since "${DRIFT_SINCE:-}" '
  [(.resource_changes // [])[] | select(.mode == "managed" and .change.actions != ["no-op"]) |
    {address, actions: .change.actions}] as $planned |
  {
    changed_outside_terraform: [(.resource_drift // [])[] | select(.mode == "managed") |
      select(.address as $a | $planned | any(.address == $a)) | {address, actions: .change.actions}],
    planned_changes: $planned,
    changes_since: (if $since == "" then null else
      {since: $since, versions: (.planned_values.outputs.changes_since_last_apply.value // [])} end)
  }' "$work/plan.json" >"$work/managed.json" || fail "cannot read the plan"

# --- 2. What exists but no state holds ------------------------------------

# The fields kept of each listed object: all a report needs, and no secret.
declare -A fields=(
  [memberships]="id created_at organization_id user_email status owner role_id membership_profile_id"
  [membership_profiles]="id created_at organization_id name"
  [api_credentials]="id created_at organization_id name kind mode role_id"
  [application_memberships]="id created_at organization_id api_credential_id role_id membership_id membership_profile_id"
  [roles]="id created_at organization_id name kind"
  [permissions]="id created_at organization_id role_id subject can_create can_read can_update can_destroy"
  [identity_providers]="id created_at name domains status"
)
org_types=(memberships membership_profiles api_credentials application_memberships roles permissions)
# The list resource (and resource) of each type.
declare -A singular=(
  [memberships]=membership [membership_profiles]=membership_profile [api_credentials]=api_credential
  [application_memberships]=application_membership [roles]=role [permissions]=permission
  [identity_providers]=identity_provider [organizations]=organization
)

inventory_method=""
if $unmanaged; then
  # The states: this root module's (as refreshed by the plan) and the others'.
  jq '.prior_state // {}' "$work/plan.json" >"$work/state-0.json"
  n=1
  for sd in "${state_dirs[@]}"; do
    run "$work/init-$n.log" -chdir="$sd" init -input=false -no-color
    "$tf" -chdir="$sd" show -json >"$work/state-$n.json" 2>"$work/show-$n.log" ||
      { cat "$work/show-$n.log" >&2; fail "cannot read the state of $sd"; }
    n=$((n + 1))
  done

  # Managed: every object of a clprovisioning resource (and the grants of
  # role assignments), and the objects the configuration reads with a
  # singular data source. The organizations: those managed, and those of the
  # managed objects.
  jq -s '
    def modules: ., (.child_modules[]? | modules);
    [.[] | .values.root_module? // empty | modules | .resources[]? | select(.type | startswith("clprovisioning_"))] as $rs |
    ($rs | map(select(.mode == "managed"))) as $managed |
    {
      known: ([$managed[] | .values.id, (.values.application_membership_ids // {} | .[]),
               ($rs[] | select(.mode == "data") | .values.id)] | map(select(type == "string")) | unique),
      organizations: ([$managed[] | if .type == "clprovisioning_organization" then .values.id else .values.organization_id end]
                      | map(select(type == "string" and . != "")) | unique),
      organization_names: ([$rs[] | select(.type == "clprovisioning_organization") | {key: .values.id, value: .values.name}]
                           | map(select(.key != null)) | from_entries),
      identity_providers: ([$managed[] | select(.type == "clprovisioning_identity_provider")] | length > 0),
      provider: ([$rs[] | .provider_name] | first // "clprovisioning/clprovisioning")
    }' "$work"/state-*.json >"$work/known.json" || fail "cannot read the states"

  mapfile -t orgs < <(jq -r '.organizations[]' "$work/known.json")
  list_idps=$(jq -r 'if (.organizations | length) > 0 or .identity_providers then "yes" else "" end' "$work/known.json")
fi

if $unmanaged && { [ ${#orgs[@]} -gt 0 ] || [ -n "$list_idps" ]; }; then
  # A scratch root module with the same provider (the version locked by DIR,
  # installed from DIR's providers when it has them) to list what exists.
  scratch=$work/inventory
  mkdir -p "$scratch"
  source=$(jq -r '.provider' "$work/known.json")
  cat >"$scratch/versions.tf" <<EOF
terraform {
  required_providers {
    clprovisioning = { source = "$source" }
  }
}
EOF
  if [ -n "$provider_file" ]; then
    cp "$provider_file" "$scratch/provider.tf"
  else
    echo 'provider "clprovisioning" {}' >"$scratch/provider.tf"
  fi
  [ -f "$dir/.terraform.lock.hcl" ] && cp "$dir/.terraform.lock.hcl" "$scratch/"
  init_args=(-input=false -no-color)
  [ -d "$dir/.terraform/providers" ] && init_args+=(-plugin-dir="$dir/.terraform/providers")
  run "$work/init-inventory.log" -chdir="$scratch" init "${init_args[@]}"

  inventory_method=${DRIFT_INVENTORY:-}
  if [ -z "$inventory_method" ]; then
    # List resources need Terraform 1.14+ and a provider that has them:
    # both show in the schema the CLI reports.
    inventory_method=data-sources
    if "$tf" -chdir="$scratch" providers schema -json 2>/dev/null |
      jq -e '[.provider_schemas[]?.list_resource_schemas // {} | has("clprovisioning_membership")] | any' >/dev/null; then
      inventory_method=query
    fi
  fi

  # Each object as {type, fields...}; organizations by id with their name.
  case $inventory_method in
    query)
      {
        for org in "${orgs[@]}"; do
          for t in "${org_types[@]}"; do
            cat <<EOF
list "clprovisioning_${singular[$t]}" "${t}_$org" {
  provider         = clprovisioning
  include_resource = true
  limit            = 1000000
  config {
    organization_id = "$org"
  }
}
EOF
          done
        done
        [ -n "$list_idps" ] && cat <<EOF
list "clprovisioning_identity_provider" "identity_providers_all" {
  provider         = clprovisioning
  include_resource = true
  limit            = 1000000
  config {}
}
EOF
        [ ${#orgs[@]} -gt 0 ] && cat <<EOF
list "clprovisioning_organization" "organizations_all" {
  provider         = clprovisioning
  include_resource = true
  limit            = 1000000
  config {}
}
EOF
      } >"$scratch/inventory.tfquery.hcl"
      "$tf" -chdir="$scratch" query -json -no-color >"$work/query.jsonl" 2>"$work/query.log" ||
        { cat "$work/query.jsonl" "$work/query.log" >&2; fail "terraform query failed"; }
      fields_json=$(for t in "${!fields[@]}"; do jq -n --arg t "$t" --arg f "${fields[$t]}" '{($t): ($f | split(" "))}'; done | jq -s add)
      jq -s --argjson fields "$fields_json" '
        [.[] | select(.type == "list_resource_found") | .list_resource_found] as $found |
        {
          objects: [$found[] | (.resource_type | sub("^clprovisioning_"; "") + "s") as $t |
                    select($fields[$t]) | .resource_object as $o |
                    ({type: $t} + ([$fields[$t][] | {key: ., value: $o[.]}] | from_entries))],
          organization_names: ([$found[] | select(.resource_type == "clprovisioning_organization") |
                                {key: .resource_object.id, value: .resource_object.name}] | from_entries)
        }' "$work/query.jsonl" >"$work/inventory.json" || fail "cannot read the query results"
      ;;
    data-sources)
      {
        # The list's items, only the fields kept (so no secret leaves them).
        items() { # type, data source address
          local f out=""
          for f in ${fields[$1]}; do out+="$f = o.$f, "; done
          echo "[for o in $2.items : { type = \"$1\", ${out%, } }]"
        }
        lists=()
        for org in "${orgs[@]}"; do
          echo "data \"clprovisioning_organization\" \"o_$org\" { id = \"$org\" }"
          for t in "${org_types[@]}"; do
            echo "data \"clprovisioning_$t\" \"o_$org\" { organization_id = \"$org\" }"
            lists+=("$(items "$t" "data.clprovisioning_$t.o_$org")")
          done
        done
        if [ -n "$list_idps" ]; then
          echo 'data "clprovisioning_identity_providers" "all" {}'
          lists+=("$(items identity_providers data.clprovisioning_identity_providers.all)")
        fi
        echo 'output "inventory" {'
        echo '  value = {'
        echo '    objects = concat('
        printf '      %s,\n' "${lists[@]}"
        echo '    )'
        echo '    organization_names = {'
        for org in "${orgs[@]}"; do echo "      \"$org\" = data.clprovisioning_organization.o_$org.name"; done
        echo '    }'
        echo '  }'
        echo '}'
      } >"$scratch/inventory.tf"
      run "$work/inventory-plan.log" -chdir="$scratch" plan -input=false -no-color -lock=false -out="$work/inventory.tfplan"
      "$tf" -chdir="$scratch" show -json "$work/inventory.tfplan" 2>"$work/show-inventory.log" |
        jq '.planned_values.outputs.inventory.value' >"$work/inventory.json" ||
        { cat "$work/show-inventory.log" >&2; fail "cannot read the inventory"; }
      rm -f "$scratch/inventory.tf"
      ;;
    *) fail "DRIFT_INVENTORY must be query or data-sources, not $inventory_method" ;;
  esac

  # What no state holds, but what the API makes by itself (the built-in
  # roles, the owner's membership, the resources credentials), with a name a
  # person recognises.
  jq --slurpfile known "$work/known.json" '
    $known[0] as $k | ($k.known | map({key: ., value: true}) | from_entries) as $managed |
    .organization_names as $names |
    (.objects | map({key: .id, value: .}) | from_entries) as $by_id |
    def name_of($id): if $id == null then null else ($by_id[$id] // {}) as $o |
      ($o.user_email // $o.name // $id) end;
    def rights: . as $p | [("create" | select($p.can_create)), ("read" | select($p.can_read)),
                 ("update" | select($p.can_update)), ("destroy" | select($p.can_destroy))];
    [.objects[] | select($managed[.id] | not) | . as $o |
      select(
        (.type == "roles" and (.kind == "admin" or .kind == "read_only")) or
        (.type == "memberships" and .owner == true) or
        (.type == "api_credentials" and .kind == "resources") | not) |
      {
        type, id, organization_id: .organization_id,
        organization: (if .organization_id then ($names[.organization_id] // $k.organization_names[.organization_id]) else null end),
        resource_type: ("clprovisioning_" + (.type | sub("s$"; ""))),
        name: (if .type == "memberships" then .user_email
               elif .type == "application_memberships" then
                 "\(name_of(.api_credential_id)): \(name_of(.membership_id // .membership_profile_id))"
               elif .type == "permissions" then "\(name_of(.role_id)): \(.subject)"
               else .name end),
        detail: (if .type == "memberships" then "role \(name_of(.role_id))"
                 elif .type == "application_memberships" then
                   "role \(name_of(.role_id))" + (if .membership_id then "" else ", membership profile" end)
                 elif .type == "api_credentials" then "kind \(.kind)" + (if .mode then ", \(.mode)" else "" end)
                 elif .type == "permissions" then ("can " + (rights | if length == 0 then "nothing" else join(", ") end))
                 elif .type == "identity_providers" then
                   "domains " + (if (.domains | type) == "array" then .domains | join(", ") else .domains // "" | tostring end)
                 else null end),
        pending: (if .type == "memberships" then .status == "pending" else null end),
        created_at
      }] | sort_by(.organization_id // "", ({memberships: 0, membership_profiles: 1, api_credentials: 2,
        application_memberships: 3, roles: 4, permissions: 5, identity_providers: 6}[.type]), .name, .id)
    ' "$work/inventory.json" >"$work/unmanaged.json" || fail "cannot compare what exists with the states"

  # Who made them, where the API keeps versions (memberships, permissions,
  # roles): one lookup per unmanaged object of those types.
  mapfile -t versioned < <(jq -r '.[] | select(.type == "memberships" or .type == "permissions" or .type == "roles") |
    "\(.type) \(.id)"' "$work/unmanaged.json")
  if [ ${#versioned[@]} -gt 0 ]; then
    {
      for v in "${versioned[@]}"; do
        set -- $v
        echo "data \"clprovisioning_versions\" \"v_$2\" {"
        echo "  resource_type = \"$1\""
        echo "  resource_id   = \"$2\""
        echo "}"
      done
      echo 'output "versions" {'
      echo '  value = {'
      for v in "${versioned[@]}"; do
        set -- $v
        echo "    \"$2\" = [for v in data.clprovisioning_versions.v_$2.items : { event = v.event, created_at = v.created_at, who = v.who }]"
      done
      echo '  }'
      echo '}'
    } >"$scratch/versions-lookup.tf"
    run "$work/versions-plan.log" -chdir="$scratch" plan -input=false -no-color -lock=false -out="$work/versions.tfplan"
    "$tf" -chdir="$scratch" show -json "$work/versions.tfplan" 2>"$work/show-versions.log" |
      jq '.planned_values.outputs.versions.value' >"$work/versions.json" ||
      { cat "$work/show-versions.log" >&2; fail "cannot read the versions"; }
  else
    echo '{}' >"$work/versions.json"
  fi
  jq --slurpfile versions "$work/versions.json" '
    def by: if . == null then "a Dashboard session (not recorded)"
            else (try fromjson catch .) as $w |
              if ($w | type) == "object" and $w.application then
                "application \($w.application.id) (\($w.application.kind // "?"))"
              else ($w | tostring) end end;
    map(. as $o | ($versions[0][.id] // null) as $vs |
      . + (if $vs == null then {} else {
        versions: [$vs[] | {event, created_at, who: (if .who then (try (.who | fromjson) catch .who) else null end), by: (.who | by)}],
        made_by: (([$vs[] | select(.event == "create")] | first) as $c |
                  if $c then "created by \($c.who | by)"
                  elif ($vs | length) > 0 then ($vs | sort_by(.created_at) | last) as $l |
                    "last changed by \($l.who | by) at \($l.created_at)"
                  else null end)
      } end))' "$work/unmanaged.json" >"$work/unmanaged-who.json" || fail "cannot read the versions"
  mv "$work/unmanaged-who.json" "$work/unmanaged.json"
else
  echo '[]' >"$work/unmanaged.json"
fi

# --- 3. The report -----------------------------------------------------------

[ -n "$inventory_method" ] || inventory_method=none
tf_version=$("$tf" version -json 2>/dev/null | jq -r '.terraform_version // "unknown"' 2>/dev/null || echo unknown)
jq -n --slurpfile managed "$work/managed.json" --slurpfile unmanaged "$work/unmanaged.json" \
  --arg tfv "$tf_version" --arg method "$inventory_method" --argjson checked "$($unmanaged && echo true || echo false)" \
  --slurpfile known <([ -f "$work/known.json" ] && cat "$work/known.json" || echo '{"organizations":[]}') '
  $managed[0] as $m | $unmanaged[0] as $u |
  ([$m.changed_outside_terraform[], $m.planned_changes[]] | length > 0) as $drift |
  {
    status: (if $drift then "drift" elif ($u | length) > 0 then "unmanaged" else "clean" end),
    exit_code: (if $drift or ($u | length) > 0 then 2 else 0 end),
    terraform_version: $tfv,
    drift: $drift,
    changed_outside_terraform: $m.changed_outside_terraform,
    planned_changes: $m.planned_changes,
    changes_since: $m.changes_since,
    unmanaged_checked: $checked,
    inventory: $method,
    organizations: $known[0].organizations,
    unmanaged: $u
  }' >"$work/report.json" || fail "cannot write the report"
[ -n "$report_file" ] && { cp "$work/report.json" "$report_file" || fail "cannot write $report_file"; }

if $json; then
  cat "$work/report.json"
else
  jq -r '
    def group_title: {memberships: "Memberships (people)", membership_profiles: "Membership profiles",
      api_credentials: "API credentials (applications)", application_memberships: "Application memberships (access to applications)",
      roles: "Roles", permissions: "Permissions", identity_providers: "Identity providers (single sign-on)"}[.];
    def order: {memberships: 0, membership_profiles: 1, api_credentials: 2, application_memberships: 3,
      roles: 4, permissions: 5, identity_providers: 6}[.];
    if .status == "clean" then
      "drift-check: no drift: Commerce Layer matches the configuration" +
      (if .unmanaged_checked and (.organizations | length) > 0
       then ", and holds nothing unmanaged in the \(.organizations | length) organization(s) checked." else "." end)
    else
      (if .drift then "drift-check: DRIFT: Commerce Layer differs from the configuration.\n" +
        ([.changed_outside_terraform[] | "changed outside Terraform: \(.address) (\(.actions | join(",")))"] +
         [.planned_changes[] | "apply would \(.actions | join("/")): \(.address)"] | join("\n"))
       else "drift-check: the managed objects match the configuration." end),
      (if .changes_since then
        "\nRecorded changes since \(.changes_since.since) (versions):\n" +
        ([.changes_since.versions[] | "  \(.when)  \(.what)  \(.event)  by \(.who)  \(.changes | tostring)"] | join("\n"))
       else empty end),
      (if (.unmanaged | length) > 0 then
        (.unmanaged | length) as $n |
        "\ndrift-check: UNMANAGED: \($n) object\(if $n == 1 then "" else "s" end) in Commerce Layer " +
        "\(if $n == 1 then "is" else "are" end) in no Terraform state (listed with \(.inventory)).\n" +
        "Import each into a configuration (resource type and id below), or remove it.\n" +
        ([.unmanaged | group_by(.organization_id // "") | sort_by(.[0].organization_id == null)[] |
          (if .[0].organization_id then "\nOrganization \"\(.[0].organization // "?")\" (\(.[0].organization_id))"
           else "\nNot tied to an organization" end),
          (group_by(.type) | sort_by(.[0].type | order)[] |
            "  \(.[0].type | group_title)",
            (.[] | "    \(.name)" +
              ([(if .pending then "pending invitation" else empty end), (.detail // empty)] |
                if length > 0 then " (\(join("; ")))" else "" end) +
              "\n      \(.resource_type) \(.id)" +
              (if .made_by then "; \(.made_by)" else "" end)))] | join("\n"))
       else empty end)
    end' "$work/report.json"
fi
exit "$(jq -r '.exit_code' "$work/report.json")"
