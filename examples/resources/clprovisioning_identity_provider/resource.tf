# Identity providers need an Enterprise plan and are managed by an
# organization owner: creating an organization makes you its owner.
resource "clprovisioning_organization" "brand" {
  name = "The Blue Brand"
}

# The secret the identity provider issued to Commerce Layer. Keep the real
# one out of the configuration, e.g. TF_VAR_sso_client_secret=...
variable "sso_client_secret" {
  type      = string
  sensitive = true
  default   = "replace-me-with-the-real-secret"
}

# With Terraform 1.11 or later the secret can stay out of the state too:
# replace client_secret with client_secret_wo = var.sso_client_secret and
# client_secret_wo_version = 1 (increment it to send a new secret).
resource "clprovisioning_identity_provider" "sso" {
  name          = "bluebrand-okta"
  client_id     = "0oa1b2c3d4e5f6g7h8i9"
  client_secret = var.sso_client_secret
  issuer        = "https://bluebrand.okta.example"
  domains       = ["bluebrand.example", "bluebrand-staff.example"]
  token_url     = "https://bluebrand.okta.example/oauth2/v1/token"
  authorize_url = "https://bluebrand.okta.example/oauth2/v1/authorize"
  jwks_url      = "https://bluebrand.okta.example/oauth2/v1/keys"

  depends_on = [clprovisioning_organization.brand]
}

# Publish this as a DNS TXT record on every domain to get the provider verified.
output "sso_txt_record" {
  value = clprovisioning_identity_provider.sso.txt_record
}
