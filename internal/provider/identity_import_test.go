package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Every resource that can be listed is identified by its id: the state
// records that identity, and `import { identity = { id = ... } }` imports
// the object with no change to plan (resource identity: Terraform 1.12 and
// later, OpenTofu 1.12 and later).
func TestAccResourceIdentityImport(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("creates a custom role and a permission, which the API cannot delete")
	config := env.config(`
resource "clprovisioning_organization" "org" {
  name          = "Identity Org"
  support_email = "support@identity.example"
}

resource "clprovisioning_role" "custom" {
  organization_id = clprovisioning_organization.org.id
  name            = "Fulfilment"
}

resource "clprovisioning_permission" "orders" {
  role_id  = clprovisioning_role.custom.id
  subject  = "orders"
  can_read = true
}

resource "clprovisioning_membership_profile" "testers" {
  organization_id = clprovisioning_organization.org.id
  name            = "Testers"
  access_scope    = "test_access"
}

resource "clprovisioning_membership" "ada" {
  organization_id       = clprovisioning_organization.org.id
  user_email            = "ada@identity.example"
  role_id               = clprovisioning_role.custom.id
  membership_profile_id = clprovisioning_membership_profile.testers.id
}

resource "clprovisioning_api_credential" "orders_app" {
  organization_id = clprovisioning_organization.org.id
  name            = "Orders app"
  kind            = "orders"
}

resource "clprovisioning_application_membership" "ada" {
  organization_id   = clprovisioning_organization.org.id
  api_credential_id = clprovisioning_api_credential.orders_app.id
  membership_id     = clprovisioning_membership.ada.id
  role_id           = clprovisioning_organization.org.read_only_role_id
  filters           = { market_id_in = [202] }
}

resource "clprovisioning_identity_provider" "sso" {
  name          = "identity-org-sso"
  client_id     = "sso-client"
  client_secret = "sso-secret"
  issuer        = "https://sso.identity.example/"
  domains       = ["identity.example"]
  token_url     = "https://sso.identity.example/token"
  authorize_url = "https://sso.identity.example/authorize"
  jwks_url      = "https://sso.identity.example/jwks"
  depends_on    = [clprovisioning_organization.org]
}
`)
	addrs := []string{
		"clprovisioning_organization.org", "clprovisioning_role.custom", "clprovisioning_permission.orders",
		"clprovisioning_membership_profile.testers", "clprovisioning_membership.ada",
		"clprovisioning_api_credential.orders_app", "clprovisioning_application_membership.ada",
		"clprovisioning_identity_provider.sso",
	}
	var identities []statecheck.StateCheck
	for _, a := range addrs {
		identities = append(identities,
			statecheck.ExpectIdentity(a, map[string]knownvalue.Check{"id": knownvalue.NotNull()}),
			statecheck.ExpectIdentityValueMatchesState(a, tfjsonpath.New("id")))
	}
	steps := []resource.TestStep{{Config: config, ConfigStateChecks: identities}}
	for _, a := range addrs {
		c := config
		if a == "clprovisioning_identity_provider.sso" {
			// An import cannot read the secret (the API may mask it): the
			// configuration of an imported identity provider leaves it out,
			// which keeps the secret as it is.
			c = strings.Replace(config, `client_secret = "sso-secret"`, "", 1)
		}
		if a == "clprovisioning_api_credential.orders_app" {
			// An import writes no secret: a configuration that keeps it
			// (store_client_secret = true, the default) plans one update in
			// place, the GET that reads it; one that does not is a no-op.
			c = strings.Replace(config, `kind            = "orders"`, `kind            = "orders"
  store_client_secret = false`, 1)
		}
		steps = append(steps, resource.TestStep{
			Config: c, ResourceName: a, ImportState: true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		})
	}
	env.test(resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps:                  steps,
	})
}
