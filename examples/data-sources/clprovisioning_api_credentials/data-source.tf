data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

# The organization's back-end integrations.
data "clprovisioning_api_credentials" "integrations" {
  organization_id = data.clprovisioning_organization.brand.id
  kind            = "integration"
}

output "integration_client_ids" {
  value = { for c in data.clprovisioning_api_credentials.integrations.items : c.name => c.client_id }
}
