package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// apiCredentialOrgs is the setting of the API credential tests: an
// organization with its built-in roles.
const apiCredentialOrgs = `
resource "clprovisioning_organization" "org" { name = "Cred Org" }
resource "clprovisioning_organization" "other" { name = "Cred Org Two" }
data "clprovisioning_role" "admin" {
  organization_id = clprovisioning_organization.org.id
  kind            = "admin"
}
data "clprovisioning_role" "read_only" {
  organization_id = clprovisioning_organization.org.id
  kind            = "read_only"
}
`

func TestAccAPICredential(t *testing.T) {
	env := newTestEnv(t)
	const addr = "clprovisioning_api_credential.test"
	var id string
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	sameClientID := statecheck.CompareValue(compare.ValuesSame())
	cred := func(body string) string {
		return env.config("%s", apiCredentialOrgs+`
resource "clprovisioning_api_credential" "test" {
`+body+`
}
`)
	}
	full := cred(`
  organization_id = clprovisioning_organization.org.id
  name            = "ERP sync"
  kind            = "integration"
  role_id         = data.clprovisioning_role.admin.id
  mode            = "live"
  redirect_uri    = "https://erp.example/callback"
  expires_in      = 86400
  reference       = "erp-1"
  metadata        = { team = "integrations" }`)
	// name and role changed; redirect_uri, expires_in, reference and
	// metadata removed: cleared (expires_in back to the kind's default).
	trimmed := cred(`
  organization_id = clprovisioning_organization.org.id
  name            = "ERP sync (read only)"
  kind            = "integration"
  role_id         = data.clprovisioning_role.read_only.id
  mode            = "live"`)
	env.test(resource.TestCase{
		CheckDestroy: env.deleted("api_credentials", &id),
		Steps: []resource.TestStep{
			{
				Config: full,
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(addr, tfjsonpath.New("id")),
					sameClientID.AddStateValue(addr, tfjsonpath.New("client_id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
					resource.TestCheckResourceAttr(addr, "name", "ERP sync"),
					resource.TestCheckResourceAttr(addr, "kind", "integration"),
					resource.TestCheckResourceAttr(addr, "mode", "live"),
					resource.TestCheckResourceAttr(addr, "custom", "false"),
					resource.TestCheckResourceAttr(addr, "expires_in", "86400"),
					resource.TestCheckResourceAttr(addr, "confidential", "true"),
					resource.TestCheckResourceAttrSet(addr, "client_id"),
					resource.TestCheckResourceAttrSet(addr, "client_secret"),
					resource.TestCheckResourceAttrSet(addr, "scopes"),
					resource.TestCheckResourceAttrPair(addr, "organization_id", "clprovisioning_organization.org", "id"),
					resource.TestCheckResourceAttrPair(addr, "role_id", "data.clprovisioning_role.admin", "id"),
					env.remote("api_credentials", &id, "expires_in", 86400),
					env.remote("api_credentials", &id, "redirect_uri", "https://erp.example/callback"),
					// Create is one POST, and no GET of the new credential.
					env.requests(map[string]int{
						"POST /api/api_credentials*": 1,
						// no GET of the new object; one list before the POST finds an
						// object an interrupted run made (names are not unique in the API)
						"GET /api/api_credentials/*": 0,
						"GET /api/api_credentials":   1,
					}),
				),
			},
			{
				Config: trimmed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					// Removing expires_in plans the kind's default.
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("expires_in"), knownvalue.Int64Exact(7200)),
					// What never changes stays known in the plan.
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("client_id"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("confidential"), knownvalue.Bool(true)),
				},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameClientID.AddStateValue(addr, tfjsonpath.New("client_id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "name", "ERP sync (read only)"),
					resource.TestCheckResourceAttr(addr, "expires_in", "7200"),
					resource.TestCheckNoResourceAttr(addr, "redirect_uri"),
					resource.TestCheckNoResourceAttr(addr, "reference"),
					resource.TestCheckNoResourceAttr(addr, "metadata.%"),
					resource.TestCheckResourceAttrPair(addr, "role_id", "data.clprovisioning_role.read_only", "id"),
					env.remote("api_credentials", &id, "name", "ERP sync (read only)"),
					env.remote("api_credentials", &id, "expires_in", 7200),
					env.remote("api_credentials", &id, "redirect_uri", nil),
					env.remote("api_credentials", &id, "reference", nil),
					env.remote("api_credentials", &id, "metadata", nil),
					// Refresh is one GET; the update one PATCH.
					env.requests(map[string]int{
						"PATCH /api/api_credentials*": 1,
						"GET /api/api_credentials*":   1,
						"POST /api/api_credentials*":  0,
					}),
				),
			},
			// An import never reads the secret into the state (it cannot
			// know whether the configuration keeps it): it records
			// store_client_secret = false and no client_secret.
			{
				ResourceName: addr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"client_secret", "store_client_secret"},
			},
			// With an import block, the plan of this configuration (which
			// keeps the secret, by default) is an update that reads it.
			importKeepsSecret(addr),
			{Config: trimmed, PlanOnly: true},
			{
				// Changed in the Dashboard: the plan shows it and apply restores it.
				PreConfig: func() {
					env.change("api_credentials", id, map[string]any{"expires_in": 36000, "name": "Renamed by hand"})
				},
				Config: trimmed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("expires_in"), knownvalue.Int64Exact(7200)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					env.remote("api_credentials", &id, "expires_in", 7200),
					env.remote("api_credentials", &id, "name", "ERP sync (read only)"),
				),
			},
			{
				// Deleted behind Terraform's back: the plan creates it again.
				PreConfig: func() { env.remove("api_credentials", id) },
				Config:    trimmed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
				),
			},
			{
				// mode is create-only: changing it replaces the credential.
				Config: cred(`
  organization_id = clprovisioning_organization.org.id
  name            = "ERP sync (read only)"
  kind            = "integration"
  role_id         = data.clprovisioning_role.read_only.id
  mode            = "test"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					env.deleted("api_credentials", &id), // the replaced one: id is captured below
					capture(addr, "id", &id),
					resource.TestCheckResourceAttr(addr, "mode", "test"),
				),
			},
			{
				// So is kind; a sales channel has no role, no secret and
				// tokens that last 14400 seconds by default.
				Config: cred(`
  organization_id = clprovisioning_organization.org.id
  name            = "Storefront"
  kind            = "sales_channel"
  mode            = "test"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("expires_in"), knownvalue.Int64Exact(14400)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
					resource.TestCheckResourceAttr(addr, "kind", "sales_channel"),
					resource.TestCheckResourceAttr(addr, "confidential", "false"),
					// A sales channel has a secret too (for the JWT bearer
					// grant), though it is not confidential.
					resource.TestCheckResourceAttrSet(addr, "client_secret"),
					resource.TestCheckNoResourceAttr(addr, "role_id"),
					resource.TestCheckResourceAttr(addr, "expires_in", "14400"),
					env.remote("api_credentials", &id, "expires_in", 14400),
				),
			},
			{
				// So is the organization.
				SkipFunc: env.withoutSim, // the real API's tests have one organization
				Config: cred(`
  organization_id = clprovisioning_organization.other.id
  name            = "Storefront"
  kind            = "sales_channel"
  mode            = "test"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
					resource.TestCheckResourceAttrPair(addr, "organization_id", "clprovisioning_organization.other", "id"),
				),
			},
		},
	})
}

// A Dashboard-app credential may have a role or not: adding, changing and
// removing it are updates in place; custom forks are create-only.
func TestAccAPICredentialDashboardApp(t *testing.T) {
	env := newTestEnv(t)
	const addr = "clprovisioning_api_credential.app"
	var id, adminID, none string
	app := func(extra string) string {
		return env.config("%s", apiCredentialOrgs+`
resource "clprovisioning_api_credential" "app" {
  organization_id = clprovisioning_organization.org.id
  name            = "Orders fork"
  kind            = "orders"
  `+extra+`
}
`)
	}
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: app(`custom = true`),
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
					resource.TestCheckResourceAttr(addr, "custom", "true"),
					resource.TestCheckNoResourceAttr(addr, "role_id"),
					resource.TestCheckResourceAttr(addr, "expires_in", "7200"),
					env.remote("api_credentials", &id, "custom", true),
				),
			},
			{
				Config: app(`custom = true
  role_id = data.clprovisioning_role.admin.id`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair(addr, "role_id", "data.clprovisioning_role.admin", "id"),
					capture("data.clprovisioning_role.admin", "id", &adminID),
					env.remoteRelTo("api_credentials", &id, "role", &adminID),
					env.requests(map[string]int{"PATCH /api/api_credentials*": 1}),
				),
			},
			{
				// Removing the role unlinks it remotely.
				Config: app(`custom = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(addr, "role_id"),
					env.remoteRelTo("api_credentials", &id, "role", &none),
				),
			},
			{
				ResourceName: addr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"client_secret", "store_client_secret"},
			},
			importKeepsSecret(addr),
			{
				// custom left out: the API's value stays, no change.
				Config:   app(``),
				PlanOnly: true,
			},
			{
				Config: app(`custom = false`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.TestCheckResourceAttr(addr, "custom", "false"),
			},
		},
	})
}

func TestAccAPICredentialValidation(t *testing.T) {
	env := newTestEnv(t)
	cred := func(body string) string {
		return env.config("%s", `
resource "clprovisioning_api_credential" "bad" {
  organization_id = "org1234567"
`+body+`
}
`)
	}
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config:      cred(`name = "x"` + "\n" + `kind = ""`),
				ExpectError: regexp.MustCompile(`(?s)Attribute kind string length must be at least 1`),
			},
			{
				Config:      cred(`name = "x"` + "\n" + `kind = "sales_channel"` + "\n" + `role_id = "role123456"`),
				ExpectError: regexp.MustCompile(`(?s)role_id cannot be set when kind = "sales_channel"`),
			},
			{
				Config:      cred(`name = "x"` + "\n" + `kind = "webapp"` + "\n" + `role_id = "role123456"`),
				ExpectError: regexp.MustCompile(`(?s)role_id cannot be set when kind = "webapp"`),
			},
			{
				Config:      cred(`name = "x"` + "\n" + `kind = "integration"`),
				ExpectError: regexp.MustCompile(`(?s)role_id is required when kind = "integration"`),
			},
			{
				Config:      cred(`name = "x"` + "\n" + `kind = "orders"` + "\n" + `expires_in = 3600`),
				ExpectError: regexp.MustCompile(`(?s)Attribute expires_in value must be between 7200 and 31536000, got: 3600`),
			},
			{
				Config:      cred(`name = "x"` + "\n" + `kind = "orders"` + "\n" + `expires_in = 31536001`),
				ExpectError: regexp.MustCompile(`(?s)Attribute expires_in value must be between 7200 and 31536000`),
			},
			{
				Config:      cred(`name = "x"` + "\n" + `kind = "webapp"` + "\n" + `redirect_uri = "erp.example/callback"`),
				ExpectError: wrapped(`Attribute redirect_uri must be an absolute https URL`),
			},
			{
				Config:      cred(`name = "x"` + "\n" + `kind = "orders"` + "\n" + `mode = "production"`),
				ExpectError: regexp.MustCompile(`(?s)Attribute mode value must be one of: \["test" "live"\]`),
			},
			{
				Config:      cred(`name = ""` + "\n" + `kind = "orders"`),
				ExpectError: regexp.MustCompile(`(?s)Attribute name string length must be at least 1`),
			},
		},
	})
}

// A kind the provider does not know (a Dashboard app added later) is
// accepted and sent as it is; so are the documented apps the provider once
// refused (bundles, gift_cards, subscriptions).
func TestAccAPICredentialAnyKind(t *testing.T) {
	env := newTestEnv(t)
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: env.config("%s", apiCredentialOrgs+`
resource "clprovisioning_api_credential" "subscriptions" {
  organization_id = clprovisioning_organization.org.id
  name            = "Subscriptions"
  kind            = "subscriptions"
  role_id         = data.clprovisioning_role.read_only.id
}
resource "clprovisioning_api_credential" "future" {
  organization_id = clprovisioning_organization.org.id
  name            = "Next year's app"
  kind            = "loyalty_points"
}
`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("clprovisioning_api_credential.subscriptions", "kind", "subscriptions"),
					resource.TestCheckResourceAttr("clprovisioning_api_credential.future", "kind", "loyalty_points"),
					resource.TestCheckResourceAttr("clprovisioning_api_credential.future", "expires_in", "7200"),
					resource.TestCheckResourceAttr("clprovisioning_api_credential.future", "confidential", "true"),
				),
			},
		},
	})
}
