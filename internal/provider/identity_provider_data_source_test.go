package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

func TestAccIdentityProviderDataSources(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("marks an identity provider verified, which only the API's own DNS check does")
	const setting = identityProviderOwner + `
resource "clprovisioning_identity_provider" "okta" {
  name          = "acme-okta"
  client_id     = "okta-client"
  client_secret = "okta-secret-1234"
  issuer        = "https://acme.okta.example/"
  domains       = ["acme.example", "staff.acme.example"]
  token_url     = "https://acme.okta.example/token"
  authorize_url = "https://acme.okta.example/authorize"
  jwks_url      = "https://acme.okta.example/keys"
  depends_on    = [clprovisioning_organization.owned]
}
resource "clprovisioning_identity_provider" "entra" {
  name          = "acme-entra"
  client_id     = "entra-client"
  client_secret = "entra-secret-5678"
  issuer        = "https://login.entra.example/acme/v2.0"
  domains       = ["acme.example"]
  token_url     = "https://login.entra.example/acme/oauth2/v2.0/token"
  authorize_url = "https://login.entra.example/acme/oauth2/v2.0/authorize"
  jwks_url      = "https://login.entra.example/acme/discovery/v2.0/keys"
  enabled       = false
  depends_on    = [clprovisioning_organization.owned]
}
`
	const ds = "data.clprovisioning_identity_provider."
	const list = "data.clprovisioning_identity_providers."
	var entraID string
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: env.config("%s", setting),
				Check:  capture("clprovisioning_identity_provider.entra", "id", &entraID),
			},
			{
				PreConfig: func() {
					// Verification succeeded for one of them.
					env.change("identity_providers", entraID, map[string]any{"status": "verified"})
				},
				Config: env.config("%s", setting+`
data "clprovisioning_identity_provider" "by_id" { id = clprovisioning_identity_provider.okta.id }
data "clprovisioning_identity_provider" "by_name" { name = "acme-entra" }
data "clprovisioning_identity_providers" "all" {
  depends_on = [clprovisioning_identity_provider.okta, clprovisioning_identity_provider.entra]
}
data "clprovisioning_identity_providers" "okta" { name = "acme-okta" }
data "clprovisioning_identity_providers" "verified" {
  status     = "verified"
  depends_on = [clprovisioning_identity_provider.okta, clprovisioning_identity_provider.entra]
}
`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(ds+"by_id", "name", "acme-okta"),
					resource.TestCheckResourceAttr(ds+"by_id", "enabled", "true"),
					resource.TestCheckResourceAttr(ds+"by_id", "domains.#", "2"),
					resource.TestCheckTypeSetElemAttr(ds+"by_id", "domains.*", "staff.acme.example"),
					resource.TestCheckResourceAttrPair(ds+"by_id", "txt_record", "clprovisioning_identity_provider.okta", "txt_record"),
					// The secret as the API shows it: in clear, as the docs do.
					resource.TestCheckResourceAttrWith(ds+"by_id", "client_secret", secretAsShown(env, false, "okta-secret-1234")),
					resource.TestCheckResourceAttrPtr(ds+"by_name", "id", &entraID),
					resource.TestCheckResourceAttr(ds+"by_name", "enabled", "false"),
					resource.TestCheckResourceAttrSet(ds+"by_name", "disabled_at"),
					resource.TestCheckResourceAttr(ds+"by_name", "status", "verified"),
					resource.TestCheckResourceAttr(list+"all", "items.#", "2"),
					resource.TestCheckResourceAttr(list+"okta", "items.#", "1"),
					resource.TestCheckResourceAttrPair(list+"okta", "items.0.id", "clprovisioning_identity_provider.okta", "id"),
					resource.TestCheckResourceAttr(list+"verified", "items.#", "1"),
					resource.TestCheckResourceAttrPtr(list+"verified", "items.0.id", &entraID),
				),
			},
			{
				Config:      env.config("%s", setting+`data "clprovisioning_identity_provider" "none" { name = "no-such-idp" }`),
				ExpectError: regexp.MustCompile(`No identity provider found with name\s+=\s+"no-such-idp"`),
			},
			{
				Config:      env.config("%s", setting+`data "clprovisioning_identity_provider" "none" {}`),
				ExpectError: regexp.MustCompile(`Set id, or at least one of:\s+name`),
			},
		},
	})
}

// With an API that masks the secret, the data source shows the mask.
func TestAccIdentityProviderDataSourceMaskedSecret(t *testing.T) {
	env := newTestEnv(t, func(o *simulator.Options) { o.MaskSecrets = true })
	env.needSim("the real API does one or the other; the simulator does both")
	env.test(resource.TestCase{
		Steps: []resource.TestStep{{
			Config: identityProvider(env, "masked-secret-4321", `["acme.example"]`, ``) + `
data "clprovisioning_identity_provider" "by_id" { id = clprovisioning_identity_provider.test.id }
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrWith("data.clprovisioning_identity_provider.by_id", "client_secret",
					secretAsShown(env, true, "masked-secret-4321")),
				// The resource keeps the configured secret: the mask agrees with it.
				resource.TestCheckResourceAttr("clprovisioning_identity_provider.test", "client_secret", "masked-secret-4321"),
			),
		}},
	})
}

// secretAsShown checks a client_secret read from the API: in clear, or, when
// the simulator masks secrets, all but its last four characters masked.
// Against the real API either is right: no source says which it does.
func secretAsShown(env *testEnv, masked bool, inClear string) func(string) error {
	mask := regexp.MustCompile(`^\*+` + regexp.QuoteMeta(inClear[len(inClear)-4:]) + `$`)
	return func(v string) error {
		isMask := mask.MatchString(v) && len(v) == len(inClear)
		switch {
		case env.sim == nil && (v == inClear || isMask):
		case env.sim != nil && masked && isMask:
		case env.sim != nil && !masked && v == inClear:
		default:
			return fmt.Errorf("client_secret %q: want %q (masked: %v)", v, inClear, masked)
		}
		return nil
	}
}
