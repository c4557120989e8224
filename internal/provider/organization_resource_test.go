package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

func TestAccOrganization(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("creates and renames organizations, which the API cannot delete")
	const addr = "clprovisioning_organization.test"
	var id string

	full := env.config(`
resource "clprovisioning_organization" "test" {
  name          = "Acc Brand"
  support_email = "help@acc.example"
  primary_color = "#C8984E"
  reference     = "erp-1"
  metadata      = { team = "platform" }
  config = jsonencode({ mfe = { default = { links = { cart = "https://cart.example/:order_id" } } } })
}
`)
	// support_email, reference, metadata and config removed: cleared remotely.
	trimmed := env.config(`
resource "clprovisioning_organization" "test" {
  name          = "Acc Brand Renamed"
  primary_color = "#000000"
  config = jsonencode({ mfe = { default = { links = { cart = "https://cart.example/:order_id", checkout = "https://co.example" } } } })
}
`)
	var regain func()
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: full,
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
					resource.TestCheckResourceAttr(addr, "name", "Acc Brand"),
					resource.TestCheckResourceAttr(addr, "region", "eu-west-1"),
					resource.TestCheckResourceAttrSet(addr, "slug"),
					resource.TestCheckResourceAttrSet(addr, "domain"),
					resource.TestCheckResourceAttr(addr, "metadata.team", "platform"),
					resource.TestCheckResourceAttrSet(addr, "settings.api_rules_engine"),
					// Create is one list of the name (the API accepts a second
					// organization of a name, and cannot delete one: a run that
					// lost its state must find it first) and one POST; no GET
					// of the new object.
					env.requests(map[string]int{
						"POST /api/organizations*": 1,
						"GET /api/organizations*":  1,
						"POST /oauth/token*":       1,
					}),
				),
			},
			{
				Config: trimmed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "name", "Acc Brand Renamed"),
					resource.TestCheckNoResourceAttr(addr, "support_email"),
					resource.TestCheckNoResourceAttr(addr, "metadata.%"),
					env.remote("organizations", &id, "support_email", nil),
					env.remote("organizations", &id, "reference", nil),
					env.remote("organizations", &id, "metadata", nil),
					env.remote("organizations", &id, "name", "Acc Brand Renamed"),
					// Refresh is one GET; the update one PATCH.
					env.requests(map[string]int{
						"PATCH /api/organizations*": 1,
						"GET /api/organizations*":   1,
					}),
				),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			// A plan with an import block must be a no-op.
			{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{
				// Changed in the Dashboard: the plan shows it and apply restores it.
				PreConfig: func() { env.change("organizations", id, map[string]any{"name": "Changed by hand"}) },
				Config:    trimmed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: env.remote("organizations", &id, "name", "Acc Brand Renamed"),
			},
			{
				// Gone from view behind Terraform's back (the API cannot delete
				// an organization: the credentials lost access): the plan says
				// so and plans nothing, rather than creating it again.
				PreConfig:   func() { regain = env.loseAccess(id) },
				SkipFunc:    env.withoutSim,
				Config:      trimmed,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Access to organization [^ ]+ was lost.*cannot\s+delete\s+organizations`),
			},
			{
				PreConfig: func() { regain() },
				SkipFunc:  env.withoutSim,
				Config:    trimmed,
				PlanOnly:  true,
			},
			{
				// region is create-only: changing it replaces the organization.
				Config: env.config(`
resource "clprovisioning_organization" "test" {
  name   = "Acc Brand Renamed"
  region = "us-east-1"
  primary_color = "#000000"
  config = jsonencode({ mfe = { default = { links = { cart = "https://cart.example/:order_id", checkout = "https://co.example" } } } })
}
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.TestCheckResourceAttr(addr, "region", "us-east-1"),
			},
		},
	})
}

func TestAccOrganizationValidation(t *testing.T) {
	env := newTestEnv(t)
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: env.config(`
resource "clprovisioning_organization" "test" {
  name          = "Bad"
  primary_color = "red"
}
`),
				ExpectError: regexp.MustCompile(`(?s)primary_color.*HEX colour`),
			},
		},
	})
}

func TestAccOrganizationDataSources(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("creates two organizations, which the API cannot delete")
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: env.config(`
resource "clprovisioning_organization" "a" { name = "DS Alpha" }
resource "clprovisioning_organization" "b" { name = "DS Beta" }

data "clprovisioning_organization" "by_id" { id = clprovisioning_organization.a.id }
data "clprovisioning_organization" "by_slug" { slug = clprovisioning_organization.b.slug }
data "clprovisioning_organizations" "ds" {
  name_contains = "DS "
  depends_on    = [clprovisioning_organization.a, clprovisioning_organization.b]
}
`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.clprovisioning_organization.by_id", "name", "DS Alpha"),
					resource.TestCheckResourceAttrPair("data.clprovisioning_organization.by_slug", "id", "clprovisioning_organization.b", "id"),
					resource.TestCheckResourceAttr("data.clprovisioning_organizations.ds", "items.#", "2"),
				),
			},
			{
				Config: env.config(`
data "clprovisioning_organization" "none" { name = "No Such Org" }
`),
				ExpectError: regexp.MustCompile(`No organization found with name = "No Such Org"`),
			},
		},
	})
}
