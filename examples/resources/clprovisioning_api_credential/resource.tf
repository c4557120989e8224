resource "clprovisioning_organization" "brand" {
  name = "The Blue Brand"
}

# A back-end integration: confidential (it has a secret) and acts with a role.
resource "clprovisioning_api_credential" "erp" {
  organization_id = clprovisioning_organization.brand.id
  name            = "ERP sync"
  kind            = "integration" # create-only: changing it replaces the credential
  role_id         = clprovisioning_organization.brand.admin_role_id
  mode            = "live" # create-only, like kind
  expires_in      = 86400  # token lifetime in seconds; omit it for the kind's default
}

# A storefront: public (no secret) and without a role; its tokens last
# 14400 seconds by default.
resource "clprovisioning_api_credential" "storefront" {
  organization_id = clprovisioning_organization.brand.id
  name            = "Storefront"
  kind            = "sales_channel"
  redirect_uri    = "https://shop.bluebrand.example/callback"
}

output "erp_client_id" {
  value = clprovisioning_api_credential.erp.client_id
}

output "erp_client_secret" {
  value     = clprovisioning_api_credential.erp.client_secret
  sensitive = true
}
