package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccMembershipProfile(t *testing.T) {
	env := newTestEnv(t)
	const addr = "clprovisioning_membership_profile.test"
	var id string
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	profile := func(org, body string) string {
		return env.config(`
resource "clprovisioning_organization" "one" { name = "Profile Org One" }
resource "clprovisioning_organization" "two" { name = "Profile Org Two" }
resource "clprovisioning_membership_profile" "test" {
  organization_id = clprovisioning_organization.%s.id
  %s
}
`, org, body)
	}
	steps := []resource.TestStep{
		{
			PlanOnly: true,
			Config: profile("two", `
  name         = "Customer support"
  test_enabled = true
  access_scope = "live_access"`),
			ExpectError: regexp.MustCompile(`(?s)test_enabled = true contradicts access_scope = "live_access"`),
		},
		{
			Config: profile("one", `
  name         = "Support"
  test_enabled = true
  metadata     = { team = "support" }`),
			ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
			Check: resource.ComposeAggregateTestCheckFunc(
				capture(addr, "id", &id),
				resource.TestCheckResourceAttr(addr, "access_scope", "all_access"),
				resource.TestCheckResourceAttr(addr, "test_enabled", "true"),
				resource.TestCheckResourceAttr(addr, "metadata.team", "support"),
				env.remote("membership_profiles", &id, "access_scope", "all_access"),
				env.requests(map[string]int{
					"POST /api/membership_profiles*": 1,
					// no GET of the new object; one list before the POST finds an
					// object an interrupted run made (names are not unique in the API)
					"GET /api/membership_profiles/*": 0,
					"GET /api/membership_profiles":   1,
				}),
			),
		},
		{
			// Renamed in place; dropping test_enabled and metadata resets and clears them.
			Config: profile("one", `name = "Customer support"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "name", "Customer support"),
				resource.TestCheckResourceAttr(addr, "access_scope", "live_access"),
				resource.TestCheckResourceAttr(addr, "test_enabled", "false"),
				resource.TestCheckNoResourceAttr(addr, "metadata.%"),
				env.remote("membership_profiles", &id, "access_scope", "live_access"),
				env.remote("membership_profiles", &id, "metadata", nil),
				env.requests(map[string]int{
					"PATCH /api/membership_profiles*": 1,
					"GET /api/membership_profiles*":   1,
				}),
			),
		},
		{ResourceName: addr, ImportState: true, ImportStateVerify: true},
		// A plan with an import block must be a no-op: the imported state
		// matches the configuration.
		{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
		{
			PreConfig: func() {
				env.change("membership_profiles", id, map[string]any{"name": "Hand-edited", "access_scope": "test_access"})
			},
			Config: profile("one", `name = "Customer support"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				env.remote("membership_profiles", &id, "name", "Customer support"),
				env.remote("membership_profiles", &id, "access_scope", "live_access"),
			),
		},
		{
			PreConfig: func() { env.remove("membership_profiles", id) },
			Config:    profile("one", `name = "Customer support"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
		},
		{
			SkipFunc: env.withoutSim, // the real API's tests have one organization
			Config:   profile("two", `name = "Customer support"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			Check: resource.TestCheckResourceAttrPair(addr, "organization_id", "clprovisioning_organization.two", "id"),
		},
	}
	env.test(resource.TestCase{Steps: steps, CheckDestroy: env.gone("membership_profiles", "name", "Customer support")})
}

func TestAccMembershipProfileDataSources(t *testing.T) {
	env := newTestEnv(t)
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{
			Config: env.config(`
resource "clprovisioning_organization" "org" { name = "Profile DS Org" }
resource "clprovisioning_membership_profile" "a" {
  organization_id = clprovisioning_organization.org.id
  name            = "Warehouse"
}
resource "clprovisioning_membership_profile" "b" {
  organization_id = clprovisioning_organization.org.id
  name            = "QA"
  access_scope    = "test_access"
}
data "clprovisioning_membership_profile" "by_name" {
  organization_id = clprovisioning_organization.org.id
  name            = clprovisioning_membership_profile.b.name
}
data "clprovisioning_membership_profiles" "all" {
  organization_id = clprovisioning_organization.org.id
  depends_on      = [clprovisioning_membership_profile.a, clprovisioning_membership_profile.b]
}
data "clprovisioning_membership_profiles" "live" {
  organization_id = clprovisioning_organization.org.id
  access_scope    = "live_access"
  depends_on      = [clprovisioning_membership_profile.a, clprovisioning_membership_profile.b]
}
`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPair("data.clprovisioning_membership_profile.by_name", "id", "clprovisioning_membership_profile.b", "id"),
				resource.TestCheckResourceAttr("data.clprovisioning_membership_profile.by_name", "test_enabled", "true"),
				resource.TestCheckResourceAttr("data.clprovisioning_membership_profiles.all", "items.#", "2"),
				resource.TestCheckResourceAttr("data.clprovisioning_membership_profiles.live", "items.#", "1"),
				resource.TestCheckResourceAttr("data.clprovisioning_membership_profiles.live", "items.0.name", "Warehouse"),
			),
		},
		{
			Config: env.config(`
resource "clprovisioning_organization" "org" { name = "Profile DS Org" }
data "clprovisioning_membership_profile" "none" {
  organization_id = clprovisioning_organization.org.id
  name            = "Nobody"
}
`),
			ExpectError: regexp.MustCompile(`No membership profile found with`),
		},
	}})
}
