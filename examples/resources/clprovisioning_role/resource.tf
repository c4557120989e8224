resource "clprovisioning_organization" "brand" {
  name = "The Blue Brand"
}

# Custom roles need an Enterprise plan.
resource "clprovisioning_role" "fulfilment" {
  organization_id = clprovisioning_organization.brand.id
  name            = "Fulfilment"
}
