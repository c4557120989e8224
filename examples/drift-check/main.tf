# A configuration checked for drift by drift-check.sh: an organization with
# a custom role and its permissions, a person with access to the Orders app,
# plus the audit trail since a given time.
terraform {
  required_providers {
    clprovisioning = {
      source = "clprovisioning/clprovisioning"
    }
  }
}

variable "since" {
  description = "Show the versions recorded after this time (RFC 3339), e.g. the last apply."
  type        = string
  default     = "2026-01-01T00:00:00Z"
}

resource "clprovisioning_organization" "brand" {
  name          = "The Blue Brand"
  support_email = "support@bluebrand.example"
}

resource "clprovisioning_role" "fulfilment" {
  organization_id = clprovisioning_organization.brand.id
  name            = "Fulfilment"
}

resource "clprovisioning_permission" "orders" {
  role_id    = clprovisioning_role.fulfilment.id
  subject    = "orders"
  can_read   = true
  can_update = true
}

resource "clprovisioning_membership" "grace" {
  organization_id = clprovisioning_organization.brand.id
  user_email      = "grace@bluebrand.example"
  role_id         = clprovisioning_organization.brand.read_only_role_id
}

resource "clprovisioning_api_credential" "orders" {
  organization_id = clprovisioning_organization.brand.id
  name            = "Orders"
  kind            = "orders"
}

# Who may use the Orders app, with the Fulfilment role. With exclusive = true
# this list is the whole truth: access to the app with that role given by
# hand to anyone else shows in the plan, and apply revokes it.
resource "clprovisioning_role_assignment" "orders" {
  api_credential_id = clprovisioning_api_credential.orders.id
  role_id           = clprovisioning_role.fulfilment.id
  entity_type       = "membership"
  entity_ids        = [clprovisioning_membership.grace.id]
  exclusive         = false
}

data "clprovisioning_versions" "roles" {
  resource_type = "roles"
  created_after = var.since
}

data "clprovisioning_versions" "permissions" {
  resource_type = "permissions"
  created_after = var.since
}

output "changes_since_last_apply" {
  description = "Who changed roles and permissions since var.since, newest last."
  value = [
    for v in concat(data.clprovisioning_versions.roles.items, data.clprovisioning_versions.permissions.items) : {
      what    = "${v.resource_type}/${v.resource_id}"
      event   = v.event
      when    = v.created_at
      who     = v.who == null ? "Dashboard" : v.who
      changes = try(jsondecode(v.changes), null)
    }
  ]
}
