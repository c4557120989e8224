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

// applicationMembershipSetting is an organization with a Dashboard app, a
// person and two profiles that application memberships can join.
const applicationMembershipSetting = `
resource "clprovisioning_organization" "org" { name = "AM Org" }
data "clprovisioning_role" "admin" {
  organization_id = clprovisioning_organization.org.id
  kind            = "admin"
}
data "clprovisioning_role" "read_only" {
  organization_id = clprovisioning_organization.org.id
  kind            = "read_only"
}
resource "clprovisioning_api_credential" "orders" {
  organization_id = clprovisioning_organization.org.id
  name            = "Orders"
  kind            = "orders"
}
resource "clprovisioning_membership" "ada" {
  organization_id = clprovisioning_organization.org.id
  user_email      = "ada@am.example"
  role_id         = data.clprovisioning_role.read_only.id
}
resource "clprovisioning_membership_profile" "warehouse" {
  organization_id = clprovisioning_organization.org.id
  name            = "Warehouse"
  access_scope    = "live_access"
}
resource "clprovisioning_membership_profile" "support" {
  organization_id = clprovisioning_organization.org.id
  name            = "Support"
  access_scope    = "live_access"
}
`

func TestAccApplicationMembership(t *testing.T) {
	env := newTestEnv(t)
	const addr = "clprovisioning_application_membership.test"
	var id string
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	keptID := statecheck.CompareValue(compare.ValuesSame())
	am := func(body string) string {
		return env.config("%s", applicationMembershipSetting+`
resource "clprovisioning_application_membership" "test" {
  organization_id   = clprovisioning_organization.org.id
  api_credential_id = clprovisioning_api_credential.orders.id
`+body+`
}
`)
	}
	full := am(`
  membership_id = clprovisioning_membership.ada.id
  role_id       = data.clprovisioning_role.admin.id
  reference     = "am-1"
  filters = {
    market_id_in = [202, 203]
    status_eq    = "placed"
  }`)
	updated := am(`
  membership_id = clprovisioning_membership.ada.id
  role_id       = data.clprovisioning_role.read_only.id
  filters = {
    market_id_in = [204]
    status_eq    = "placed"
    number_start = "BB"
  }`)
	cleared := am(`
  membership_id = clprovisioning_membership.ada.id
  role_id       = data.clprovisioning_role.read_only.id`)
	env.test(resource.TestCase{
		CheckDestroy: env.deleted("application_memberships", &id),
		Steps: []resource.TestStep{
			{
				Config:            full,
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
					resource.TestCheckResourceAttrPair(addr, "membership_id", "clprovisioning_membership.ada", "id"),
					resource.TestCheckResourceAttrPair(addr, "role_id", "data.clprovisioning_role.admin", "id"),
					resource.TestCheckResourceAttrPair(addr, "api_credential_id", "clprovisioning_api_credential.orders", "id"),
					resource.TestCheckResourceAttrPair(addr, "organization_id", "clprovisioning_organization.org", "id"),
					resource.TestCheckNoResourceAttr(addr, "membership_profile_id"),
					resource.TestCheckResourceAttr(addr, "filters.market_id_in.#", "2"),
					resource.TestCheckResourceAttr(addr, "filters.market_id_in.0", "202"),
					resource.TestCheckResourceAttr(addr, "filters.status_eq", "placed"),
					env.remoteFilters(&id, `{"market_id_in":[202,203],"status_eq":"placed"}`),
					// Create is one POST, and no GET of the new object.
					env.requests(map[string]int{
						"POST /api/application_memberships*": 1,
						"GET /api/application_memberships*":  0,
					}),
				),
			},
			{
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair(addr, "role_id", "data.clprovisioning_role.read_only", "id"),
					resource.TestCheckNoResourceAttr(addr, "reference"),
					env.remoteFilters(&id, `{"market_id_in":[204],"number_start":"BB","status_eq":"placed"}`),
					env.remote("application_memberships", &id, "reference", nil),
					// Refresh is one GET; the update one PATCH.
					env.requests(map[string]int{
						"PATCH /api/application_memberships*": 1,
						"GET /api/application_memberships*":   1,
					}),
				),
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
			// A plan with an import block must be a no-op: the imported state
			// matches the configuration.
			{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{Config: updated, PlanOnly: true},
			{
				// The API answers with the same filters written differently:
				// keys and values in another order, numbers as strings.
				// Nothing to change.
				PreConfig: func() {
					env.change("application_memberships", id, map[string]any{"filters": map[string]any{
						"status_eq": "placed", "number_start": "BB", "market_id_in": []any{"204"},
					}})
				},
				Config:   updated,
				PlanOnly: true,
			},
			{
				// A real change behind Terraform's back shows and is undone.
				PreConfig: func() {
					env.change("application_memberships", id, map[string]any{"filters": map[string]any{
						"status_eq": "placed", "number_start": "BB", "market_id_in": []any{204, 205},
					}})
				},
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: env.remoteFilters(&id, `{"market_id_in":[204],"number_start":"BB","status_eq":"placed"}`),
			},
			{
				// filters removed: cleared remotely.
				Config: cleared,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(addr, "filters"),
					env.remote("application_memberships", &id, "filters", nil),
				),
			},
			{
				// Deleted behind Terraform's back: the plan creates it again.
				PreConfig: func() { env.remove("application_memberships", id) },
				Config:    cleared,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
				),
			},
			{
				// From a person to a profile: membership_id is create-only,
				// so the application membership is replaced.
				Config: am(`
  membership_profile_id = clprovisioning_membership_profile.warehouse.id
  role_id               = data.clprovisioning_role.read_only.id
  filters               = { market_id_in = ["202"] }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(addr, tfjsonpath.New("id")),
					keptID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					env.deleted("application_memberships", &id), // the replaced one: id is captured below
					capture(addr, "id", &id),
					resource.TestCheckNoResourceAttr(addr, "membership_id"),
					resource.TestCheckResourceAttrPair(addr, "membership_profile_id", "clprovisioning_membership_profile.warehouse", "id"),
				),
			},
			{
				// Another profile: an update in place.
				Config: am(`
  membership_profile_id = clprovisioning_membership_profile.support.id
  role_id               = data.clprovisioning_role.read_only.id
  filters               = { market_id_in = ["202"] }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{keptID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check:             resource.TestCheckResourceAttrPair(addr, "membership_profile_id", "clprovisioning_membership_profile.support", "id"),
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
			// A plan with an import block must be a no-op: the imported state
			// matches the configuration.
			{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{
				Config: am(`
  membership_profile_id = clprovisioning_membership_profile.support.id
  role_id               = data.clprovisioning_role.read_only.id
  filters               = { market_id_in = ["202"] }`),
				PlanOnly: true,
			},
		},
	})
}

func TestAccApplicationMembershipValidation(t *testing.T) {
	env := newTestEnv(t)
	am := func(body string) string {
		return env.config("%s", `
resource "clprovisioning_application_membership" "bad" {
  organization_id   = "org1234567"
  api_credential_id = "cred123456"
  role_id           = "role123456"
`+body+`
}
`)
	}
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config:      am(`membership_id = "mem1234567"` + "\n" + `membership_profile_id = "prof123456"`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*membership_id.*membership_profile_id`),
			},
			{
				Config:      am(``),
				ExpectError: regexp.MustCompile(`(?s)Exactly one of these attributes must be configured:\s+\[membership_id,membership_profile_id\]`),
			},
			{
				Config:      am(`membership_id = "mem1234567"` + "\n" + `filters = jsonencode({ market_id_in = [1] })`),
				ExpectError: regexp.MustCompile(`(?s)Invalid filters.*filters must be an object.*got a string`),
			},
			{
				Config:      am(`membership_id = "mem1234567"` + "\n" + `filters = { market_id_inn = [1] }`),
				ExpectError: regexp.MustCompile(`(?s)Invalid filter predicate.*filters: "market_id_inn" is not a filter\s+predicate`),
			},
			{
				Config:      am(`membership_id = "mem1234567"` + "\n" + `filters = { market_id_in = 202 }`),
				ExpectError: regexp.MustCompile(`(?s)Invalid filter value.*filters: the value of "market_id_in" must be a\s+list`),
			},
			{
				Config:      am(`membership_id = "mem1234567"` + "\n" + `filters = {}`),
				ExpectError: regexp.MustCompile(`(?s)Invalid filters.*filters is empty`),
			},
		},
	})
}
