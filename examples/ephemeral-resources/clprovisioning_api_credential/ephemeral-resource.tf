resource "clprovisioning_organization" "brand" {
  name = "The Blue Brand"
}

# The credential, with no secret in the state.
resource "clprovisioning_api_credential" "erp" {
  organization_id     = clprovisioning_organization.brand.id
  name                = "ERP sync"
  kind                = "integration"
  role_id             = clprovisioning_organization.brand.admin_role_id
  store_client_secret = false
}

# The secret, read when Terraform runs and never stored.
ephemeral "clprovisioning_api_credential" "erp" {
  id = clprovisioning_api_credential.erp.id
}

# Hand it to where the application reads it, through a write-only argument
# of another provider, for example:
#
#   resource "vault_kv_secret_v2" "erp" {
#     mount = "secret"
#     name  = "erp/commercelayer"
#     data_json_wo = jsonencode({
#       client_id     = ephemeral.clprovisioning_api_credential.erp.client_id
#       client_secret = ephemeral.clprovisioning_api_credential.erp.client_secret
#     })
#     data_json_wo_version = 1
#   }
