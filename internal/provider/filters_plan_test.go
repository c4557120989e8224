package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Filters are planned by meaning: a configuration that asks the API for the
// same thing as the state (keys or `_in` values in another order, 202
// written "202") plans nothing; a real change still plans an update, and
// removing the argument still clears the filters remotely.
func TestAccFiltersPlanByMeaning(t *testing.T) {
	env := newTestEnv(t)
	const addr = "clprovisioning_application_membership.test"
	var id string
	am := func(filters string) string {
		return env.config("%s", applicationMembershipSetting+`
resource "clprovisioning_application_membership" "test" {
  organization_id   = clprovisioning_organization.org.id
  api_credential_id = clprovisioning_api_credential.orders.id
  membership_id     = clprovisioning_membership.ada.id
  role_id           = data.clprovisioning_role.admin.id
  `+filters+`
}
`)
	}
	first := am(`filters = { market_id_in = [202, 203], status_eq = "placed", total_amount_cents_gt = 1000 }`)
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: first,
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
					env.remoteFilters(&id,
						`{"market_id_in":[202,203],"status_eq":"placed","total_amount_cents_gt":1000}`),
				),
			},
			// _in values reordered: nothing to do.
			{Config: am(`filters = { market_id_in = [203, 202], status_eq = "placed", total_amount_cents_gt = 1000 }`), PlanOnly: true},
			// Numbers written as strings: nothing to do.
			{Config: am(`filters = { market_id_in = ["202", "203"], status_eq = "placed", total_amount_cents_gt = "1000" }`), PlanOnly: true},
			// Both, and the keys in another order.
			{Config: am(`filters = { total_amount_cents_gt = 1000.0, status_eq = "placed", market_id_in = ["203", 202] }`), PlanOnly: true},
			{
				// Applied anyway: nothing is sent, and the state keeps the
				// form it had, so the plan after it is empty too.
				Config: am(`filters = { market_id_in = ["203", 202], status_eq = "placed", total_amount_cents_gt = "1000" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: env.requests(map[string]int{"PATCH /api/application_memberships*": 0}),
			},
			{
				// A real change: an _in value replaced.
				Config: am(`filters = { market_id_in = [203, 204], status_eq = "placed", total_amount_cents_gt = 1000 }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					env.requests(map[string]int{"PATCH /api/application_memberships*": 1}),
					env.remoteFilters(&id,
						`{"market_id_in":[203,204],"status_eq":"placed","total_amount_cents_gt":1000}`),
				),
			},
			{
				// A number that only looks alike is a change too.
				Config: am(`filters = { market_id_in = [203, 204], status_eq = "placed", total_amount_cents_gt = 1000.5 }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: env.remoteFilters(&id,
					`{"market_id_in":[203,204],"status_eq":"placed","total_amount_cents_gt":1000.5}`),
			},
			{
				// Removed: planned null and cleared remotely.
				Config: am(``),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(addr, "filters"),
					env.remote("application_memberships", &id, "filters", nil),
				),
			},
			{Config: am(``), PlanOnly: true},
		},
	})
}

// The role assignment's filters are planned by meaning too.
func TestAccRoleAssignmentFiltersPlanByMeaning(t *testing.T) {
	env := newTestEnv(t)
	const addr = "clprovisioning_role_assignment.test"
	var amID string
	assignment := func(filters string) string {
		return env.config("%s", assignmentOrg+`
resource "clprovisioning_role_assignment" "test" {
  api_credential_id = clprovisioning_api_credential.orders.id
  role_id           = data.clprovisioning_role.read_only.id
  entity_type       = "membership"
  entity_ids        = [clprovisioning_membership.people[0].id]
  `+filters+`
}
`)
	}
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: assignment(`filters = { market_id_in = [202, 203], status_eq = "placed" }`),
				Check:  captureManaged(addr, &amID),
			},
			{Config: assignment(`filters = { market_id_in = [203, 202], status_eq = "placed" }`), PlanOnly: true},
			{Config: assignment(`filters = { status_eq = "placed", market_id_in = ["202", "203"] }`), PlanOnly: true},
			{
				Config: assignment(`filters = { market_id_in = [202, 204], status_eq = "placed" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					env.requests(map[string]int{"PATCH /api/application_memberships*": 1}),
					env.remoteFilters(&amID, `{"market_id_in":[202,204],"status_eq":"placed"}`),
				),
			},
			{
				Config: assignment(``),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(addr, "filters"),
					env.requests(map[string]int{"PATCH /api/application_memberships*": 1}),
					env.remote("application_memberships", &amID, "filters", nil),
				),
			},
			{Config: assignment(``), PlanOnly: true},
		},
	})
}

// captureManaged stores the one application membership a role assignment
// manages.
func captureManaged(addr string, into *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		var found []string
		for k, v := range rs.Primary.Attributes {
			if strings.HasPrefix(k, "application_membership_ids.") && k != "application_membership_ids.%" {
				found = append(found, v)
			}
		}
		if len(found) != 1 {
			return fmt.Errorf("%s manages %d application memberships, want 1", addr, len(found))
		}
		*into = found[0]
		return nil
	}
}
