resource "clprovisioning_organization" "brand" {
  name = "The Blue Brand"
}

resource "clprovisioning_role" "fulfilment" {
  organization_id = clprovisioning_organization.brand.id
  name            = "Fulfilment"
}

# Rights left out default to false.
resource "clprovisioning_permission" "orders" {
  role_id    = clprovisioning_role.fulfilment.id
  subject    = "orders"
  can_read   = true
  can_update = true
}
