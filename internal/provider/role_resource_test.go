package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

func TestAccRole(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("creates custom roles, which the API cannot delete")
	const addr = "clprovisioning_role.test"
	var id string // for changes behind Terraform's back
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	orgs := `
resource "clprovisioning_organization" "one" { name = "Role Org One" }
resource "clprovisioning_organization" "two" { name = "Role Org Two" }
`
	role := func(org, name, extra string) string {
		return env.config(orgs+`
resource "clprovisioning_role" "test" {
  organization_id = clprovisioning_organization.%s.id
  name            = %q
  %s
}
`, org, name, extra)
	}
	steps := []resource.TestStep{
		{
			Config: role("one", "Fulfilment", `reference = "r-1"`),
			Check: resource.ComposeAggregateTestCheckFunc(
				capture(addr, "id", &id),
				resource.TestCheckResourceAttr(addr, "kind", "custom"),
				resource.TestCheckResourceAttrPair(addr, "organization_id", "clprovisioning_organization.one", "id"),
				env.requests(map[string]int{
					"POST /api/roles*": 1,
					// no GET of the new object; one list before the POST finds an
					// object an interrupted run made (names are not unique in the API)
					"GET /api/roles/*": 0,
					"GET /api/roles":   1,
				}),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				sameID.AddStateValue(addr, tfjsonpath.New("id")),
				newID.AddStateValue(addr, tfjsonpath.New("id")),
			},
		},
		{
			Config: role("one", "Fulfilment team", ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "name", "Fulfilment team"),
				env.remote("roles", &id, "reference", nil),
				env.requests(map[string]int{
					"PATCH /api/roles*": 1,
					"GET /api/roles*":   1,
				}),
			),
			ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("id"))},
		},
		{ResourceName: addr, ImportState: true, ImportStateVerify: true},
		// A plan with an import block must be a no-op: the imported state
		// matches the configuration.
		{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
		{
			PreConfig: func() { env.change("roles", id, map[string]any{"name": "Renamed in Dashboard"}) },
			Config:    role("one", "Fulfilment team", ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
			Check:             env.remote("roles", &id, "name", "Fulfilment team"),
			ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("id"))},
		},
		{
			PreConfig: func() { env.remove("roles", id) },
			SkipFunc:  env.withoutSim,
			Config:    role("one", "Fulfilment team", ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
		},
		{
			// Moving the role to another organization replaces it.
			Config: role("two", "Fulfilment team", ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			Check:             resource.TestCheckResourceAttrPair(addr, "organization_id", "clprovisioning_organization.two", "id"),
			ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
		},
	}
	env.test(resource.TestCase{Steps: steps})
}

func TestAccRoleDataSources(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("creates a custom role, which the API cannot delete")
	env.test(resource.TestCase{
		Steps: []resource.TestStep{{
			Config: env.config(`
resource "clprovisioning_organization" "org" { name = "Role DS Org" }
resource "clprovisioning_role" "custom" {
  organization_id = clprovisioning_organization.org.id
  name            = "Auditors"
}
data "clprovisioning_role" "admin" {
  organization_id = clprovisioning_organization.org.id
  kind            = "admin"
}
data "clprovisioning_role" "read_only" {
  organization_id = clprovisioning_organization.org.id
  kind            = "read_only"
}
data "clprovisioning_role" "by_name" {
  organization_id = clprovisioning_organization.org.id
  name            = clprovisioning_role.custom.name
}
data "clprovisioning_roles" "all" {
  organization_id = clprovisioning_organization.org.id
  depends_on      = [clprovisioning_role.custom]
}
`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.clprovisioning_role.admin", "kind", "admin"),
				resource.TestCheckResourceAttr("data.clprovisioning_role.admin", "name", "admin"),
				resource.TestCheckResourceAttr("data.clprovisioning_role.read_only", "kind", "read_only"),
				resource.TestCheckResourceAttrPair("data.clprovisioning_role.by_name", "id", "clprovisioning_role.custom", "id"),
				resource.TestCheckResourceAttr("data.clprovisioning_roles.all", "items.#", "3"),
			),
		}, {
			Config: env.config(`
resource "clprovisioning_organization" "org" { name = "Role DS Org" }
data "clprovisioning_role" "ambiguous" { organization_id = clprovisioning_organization.org.id }
`),
			// admin, read_only and Auditors, which destroy only forgot
			ExpectError: regexp.MustCompile(`3 objects match organization_id`),
		}},
	})
}

// Custom roles are for Enterprise plans: elsewhere the API's refusal reaches
// the user in its own words.
func TestAccRoleNotEnterprise(t *testing.T) {
	env := newTestEnv(t, func(o *simulator.Options) { o.NonEnterprise = true })
	env.needSim()
	env.test(resource.TestCase{
		Steps: []resource.TestStep{{
			Config: env.config(`
resource "clprovisioning_organization" "org" { name = "Growth Org" }
resource "clprovisioning_role" "custom" {
  organization_id = clprovisioning_organization.org.id
  name            = "Nope"
}
`),
			ExpectError: regexp.MustCompile(`(?i)Could not create role[\s\S]*enterprise`),
		}},
	})
}
