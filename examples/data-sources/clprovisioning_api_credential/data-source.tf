data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

data "clprovisioning_api_credential" "back_office" {
  organization_id = data.clprovisioning_organization.brand.id
  name            = "Back office sync"
}

output "back_office_client_id" {
  value = data.clprovisioning_api_credential.back_office.client_id
}
