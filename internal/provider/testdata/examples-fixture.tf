# What the data-source examples look up: applied before each of them by
# TestAccExamples, so that every example reads real objects.
data "clprovisioning_user" "fixture" {}

resource "clprovisioning_organization" "fixture" {
  name = "The Blue Brand"
}

data "clprovisioning_role" "fixture_read_only" {
  organization_id = clprovisioning_organization.fixture.id
  kind            = "read_only"
}

resource "clprovisioning_role" "fixture" {
  organization_id = clprovisioning_organization.fixture.id
  name            = "Fulfilment"
}

resource "clprovisioning_permission" "fixture" {
  role_id    = clprovisioning_role.fixture.id
  subject    = "orders"
  can_read   = true
  can_update = true
}

resource "clprovisioning_membership_profile" "fixture" {
  organization_id = clprovisioning_organization.fixture.id
  name            = "Warehouse"
}

resource "clprovisioning_membership" "fixture" {
  organization_id       = clprovisioning_organization.fixture.id
  user_email            = "ada@bluebrand.example"
  role_id               = data.clprovisioning_role.fixture_read_only.id
  membership_profile_id = clprovisioning_membership_profile.fixture.id
}

resource "clprovisioning_api_credential" "fixture" {
  organization_id = clprovisioning_organization.fixture.id
  name            = "Back office sync"
  kind            = "integration"
  role_id         = data.clprovisioning_role.fixture_read_only.id
}

resource "clprovisioning_application_membership" "fixture" {
  organization_id       = clprovisioning_organization.fixture.id
  api_credential_id     = clprovisioning_api_credential.fixture.id
  role_id               = data.clprovisioning_role.fixture_read_only.id
  membership_profile_id = clprovisioning_membership_profile.fixture.id
}

# Only the owner of an (Enterprise) organization may add an identity provider.
resource "clprovisioning_identity_provider" "fixture" {
  depends_on    = [clprovisioning_organization.fixture]
  name          = "bluebrand-sso"
  client_id     = "bluebrand-client"
  client_secret = "bluebrand-secret"
  issuer        = "https://sso.bluebrand.example"
  domains       = ["bluebrand.example"]
  token_url     = "https://sso.bluebrand.example/token"
  authorize_url = "https://sso.bluebrand.example/authorize"
  jwks_url      = "https://sso.bluebrand.example/jwks"
}
