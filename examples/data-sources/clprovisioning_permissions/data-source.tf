data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

data "clprovisioning_role" "fulfilment" {
  organization_id = data.clprovisioning_organization.brand.id
  name            = "Fulfilment"
}

data "clprovisioning_permissions" "fulfilment" {
  role_id = data.clprovisioning_role.fulfilment.id
}

output "fulfilment_rights" {
  value = {
    for p in data.clprovisioning_permissions.fulfilment.items :
    p.subject => { create = p.can_create, read = p.can_read, update = p.can_update, destroy = p.can_destroy }
  }
}
