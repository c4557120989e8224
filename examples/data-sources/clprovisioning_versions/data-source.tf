# Who changed roles, permissions and memberships since the last apply: feed
# the time of the last apply in (e.g. from the pipeline) and print the trail.
variable "since" {
  type    = string
  default = "2026-01-01T00:00:00Z"
}

data "clprovisioning_versions" "roles" {
  resource_type = "roles"
  created_after = var.since
}

data "clprovisioning_versions" "memberships" {
  resource_type = "memberships"
  created_after = var.since
}

output "changes_since_last_apply" {
  value = [
    for v in concat(data.clprovisioning_versions.roles.items, data.clprovisioning_versions.memberships.items) : {
      what    = "${v.resource_type}/${v.resource_id}"
      event   = v.event
      when    = v.created_at
      who     = v.who == null ? "Dashboard" : v.who
      changes = try(jsondecode(v.changes), null)
    }
  ]
}
