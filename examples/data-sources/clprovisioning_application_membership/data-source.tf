data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

data "clprovisioning_api_credential" "back_office" {
  organization_id = data.clprovisioning_organization.brand.id
  name            = "Back office sync"
}

data "clprovisioning_membership_profile" "warehouse" {
  organization_id = data.clprovisioning_organization.brand.id
  name            = "Warehouse"
}

# The access of the Warehouse profile to the back-office application.
data "clprovisioning_application_membership" "warehouse_back_office" {
  api_credential_id     = data.clprovisioning_api_credential.back_office.id
  membership_profile_id = data.clprovisioning_membership_profile.warehouse.id
}

output "warehouse_back_office_role_id" {
  value = data.clprovisioning_application_membership.warehouse_back_office.role_id
}
