data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

data "clprovisioning_membership_profile" "warehouse" {
  organization_id = data.clprovisioning_organization.brand.id
  name            = "Warehouse"
}

output "warehouse_has_test_access" {
  value = data.clprovisioning_membership_profile.warehouse.test_enabled
}
