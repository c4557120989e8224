data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

# The built-in admin role of the organization.
data "clprovisioning_role" "admin" {
  organization_id = data.clprovisioning_organization.brand.id
  kind            = "admin"
}

# A custom role, by name.
data "clprovisioning_role" "fulfilment" {
  organization_id = data.clprovisioning_organization.brand.id
  name            = "Fulfilment"
}
