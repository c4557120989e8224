data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

data "clprovisioning_role" "fulfilment" {
  organization_id = data.clprovisioning_organization.brand.id
  name            = "Fulfilment"
}

data "clprovisioning_versions" "fulfilment" {
  resource_type = "roles"
  resource_id   = data.clprovisioning_role.fulfilment.id
}

# One entry of the audit trail, by id.
data "clprovisioning_version" "first" {
  id = data.clprovisioning_versions.fulfilment.items[0].id
}

output "first_change" {
  value = {
    event   = data.clprovisioning_version.first.event
    changes = jsondecode(data.clprovisioning_version.first.changes)
  }
}
