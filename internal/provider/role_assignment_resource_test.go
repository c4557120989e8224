package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

const assignmentOrg = `
resource "clprovisioning_organization" "org" { name = "Assignment Org" }
data "clprovisioning_role" "admin" {
  organization_id = clprovisioning_organization.org.id
  kind            = "admin"
}
data "clprovisioning_role" "read_only" {
  organization_id = clprovisioning_organization.org.id
  kind            = "read_only"
}
locals { person = { a = 0, b = 1, c = 2 } }
resource "clprovisioning_membership" "people" {
  count           = 3
  organization_id = clprovisioning_organization.org.id
  user_email      = "${["a", "b", "c"][count.index]}@example.com"
  role_id         = data.clprovisioning_role.read_only.id
}
resource "clprovisioning_api_credential" "orders" {
  organization_id = clprovisioning_organization.org.id
  name            = "Orders"
  kind            = "orders"
}
`

func TestAccRoleAssignment(t *testing.T) {
	env := newTestEnv(t)
	const addr = "clprovisioning_role_assignment.test"
	ids := map[string]string{} // person -> membership id
	var adminID string
	people := resource.ComposeAggregateTestCheckFunc(
		captureInto(ids, "a", "clprovisioning_membership.people.0"),
		captureInto(ids, "b", "clprovisioning_membership.people.1"),
		captureInto(ids, "c", "clprovisioning_membership.people.2"),
		capture("data.clprovisioning_role.admin", "id", &adminID),
	)
	assignment := func(who, role, filters, extra string) string {
		return env.config(assignmentOrg+`
resource "clprovisioning_role_assignment" "test" {
  api_credential_id = clprovisioning_api_credential.orders.id
  role_id           = data.clprovisioning_role.%s.id
  entity_type       = "membership"
  entity_ids        = [for p in %s : clprovisioning_membership.people[local.person[p]].id]
  %s
}
%s
`, role, who, filters, extra)
	}
	// The application membership this resource manages for a person.
	managed := func(person string) string {
		return fmt.Sprintf("application_membership_ids.%s", ids[person])
	}
	var amB, amC string
	foreign := `
resource "clprovisioning_application_membership" "foreign" {
  organization_id   = clprovisioning_organization.org.id
  api_credential_id = clprovisioning_api_credential.orders.id
  role_id           = data.clprovisioning_role.read_only.id
  membership_id     = clprovisioning_membership.people[0].id
}
`
	steps := []resource.TestStep{
		{Config: assignment(`[]`, "read_only", "", ""), ExpectError: regexp.MustCompile(`(?s)entity_ids.*at least 1`), PlanOnly: true},
		{
			PreConfig: env.resetLog,
			Config:    assignment(`["a", "b"]`, "read_only", `filters = { market_id_in = [202, 203] }`, ""),
			Check: resource.ComposeAggregateTestCheckFunc(
				people,
				resource.TestCheckResourceAttr(addr, "application_membership_ids.%", "2"),
				resource.TestCheckResourceAttr(addr, "entity_ids.#", "2"),
				resource.TestCheckResourceAttrPair(addr, "organization_id", "clprovisioning_organization.org", "id"),
				env.calls("POST", "/api/application_memberships", 2),
				// the check for existing application memberships, and the application's organization
				// (the credential's own create may list credentials first: not counted)
				env.calls("GET", "/api/application_memberships", 1),
				env.calls("GET", "/api/api_credentials/", 1),
			),
		},
		{
			// c joins, a leaves; a's application membership is revoked, b's untouched.
			PreConfig: env.resetLog,
			Config:    assignment(`["b", "c"]`, "read_only", `filters = { market_id_in = [203, 202] }`, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "application_membership_ids.%", "2"),
				func(s *terraform.State) error {
					attrs := s.RootModule().Resources[addr].Primary.Attributes
					amB, amC = attrs[managed("b")], attrs[managed("c")]
					if amB == "" || amC == "" {
						return fmt.Errorf("b and c must be managed: %v", attrs)
					}
					return nil
				},
				env.calls("POST", "/api/application_memberships", 1),
				env.calls("DELETE", "/api/application_memberships", 1),
				env.calls("PATCH", "/api/application_memberships", 0),
			),
		},
		{
			// A person's access given by someone else is never touched.
			PreConfig: env.resetLog,
			Config:    assignment(`["b", "c"]`, "admin", `filters = { status_eq = "placed" }`, foreign),
			Check: resource.ComposeAggregateTestCheckFunc(
				env.calls("PATCH", "/api/application_memberships", 2),
				env.remote("application_memberships", &amB, "filters", map[string]any{"status_eq": "placed"}),
				func(*terraform.State) error {
					return env.remoteRel("application_memberships", &amC, "role", adminID)(nil)
				},
			),
		},
		{
			ResourceName:      addr,
			ImportState:       true,
			ImportStateVerify: true,
			ImportStateIdFunc: func(s *terraform.State) (string, error) {
				return s.RootModule().Resources[addr].Primary.ID, nil
			},
		},
		// A plan with an import block must be a no-op.
		{
			ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
			ImportStateIdFunc: func(s *terraform.State) (string, error) {
				return s.RootModule().Resources[addr].Primary.ID, nil
			},
		},
		{
			// Revoked and re-filtered in the Dashboard: the plan restores both.
			PreConfig: func() {
				env.remove("application_memberships", amB)
				env.change("application_memberships", amC, map[string]any{"filters": map[string]any{"status_eq": "draft"}})
			},
			Config: assignment(`["b", "c"]`, "admin", `filters = { status_eq = "placed" }`, foreign),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "application_membership_ids.%", "2"),
				env.remote("application_memberships", &amC, "filters", map[string]any{"status_eq": "placed"}),
			),
		},
		{
			// Assigning to someone who already has access to the app is refused.
			Config: assignment(`["b", "c"]`, "admin", `filters = { status_eq = "placed" }`, foreign+`
resource "clprovisioning_role_assignment" "clash" {
  api_credential_id = clprovisioning_api_credential.orders.id
  role_id           = data.clprovisioning_role.read_only.id
  entity_type       = "membership"
  entity_ids        = [clprovisioning_membership.people[0].id]
}
`),
			ExpectError: regexp.MustCompile(`(?s)already has an application membership`),
		},
	}
	env.test(resource.TestCase{Steps: steps})
}

func TestAccRoleAssignmentImportID(t *testing.T) {
	env := newTestEnv(t)
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{Config: env.config(`resource "clprovisioning_role_assignment" "x" {
  api_credential_id = "app"
  role_id           = "role"
  entity_type       = "membership"
  entity_ids        = ["m"]
}`), ResourceName: "clprovisioning_role_assignment.x", ImportState: true, ImportStateId: "app/role",
			ExpectError: regexp.MustCompile(`Expected <api_credential_id>/<role_id>/<entity_type>`)},
	}})
}

// captureInto stores the id of a resource in a map entry.
func captureInto(m map[string]string, key, addr string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(addr, "id", func(v string) error {
		m[key] = v
		return nil
	})
}

// A role assignment whose create fails part-way saves nothing (so it is not
// tainted, which would revoke what succeeded); the grants it made carry its
// mark, and the next apply adopts them and finishes the job: no grant
// revoked, none made twice, no orphan.
func TestAccRoleAssignmentFinishesAfterFailure(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("counts requests")
	assignment := func(entities string) string {
		return env.config("%s", grantsConfig("Exactly Once Org", 3, entities))
	}
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{
			// "zzzzzzzzzz" sorts last: the two real grants are made, then
			// this one fails.
			Config:      assignment(`concat(clprovisioning_membership.person[*].id, ["zzzzzzzzzz"])`),
			ExpectError: regexp.MustCompile(`(?s)Could not assign the role to membership zzzzzzzzzz`),
		},
		{
			PreConfig: env.resetLog,
			Config:    assignment(`clprovisioning_membership.person[*].id`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("clprovisioning_role_assignment.people", "application_membership_ids.%", "3"),
				env.calls("DELETE", "/api/application_memberships", 0),
				env.calls("POST", "/api/application_memberships", 0), // the three were made by the failed run
				env.exactlyWhatStateKnows,
			),
		},
	}})
}

// grantsConfig is an organization with people, an app, and a role
// assignment of the app's read-only role to the entities given (HCL).
func grantsConfig(org string, people int, entities string) string {
	return fmt.Sprintf(`
resource "clprovisioning_organization" "org" { name = %q }
resource "clprovisioning_membership" "person" {
  count           = %d
  organization_id = clprovisioning_organization.org.id
  user_email      = "grantee${count.index}@example.com"
  role_id         = clprovisioning_organization.org.read_only_role_id
}
resource "clprovisioning_api_credential" "app" {
  organization_id = clprovisioning_organization.org.id
  name            = "Orders app"
  kind            = "orders"
}
resource "clprovisioning_role_assignment" "people" {
  api_credential_id = clprovisioning_api_credential.app.id
  role_id           = clprovisioning_organization.org.read_only_role_id
  entity_type       = "membership"
  entity_ids        = %s
}
`, org, people, entities)
}

// A role assignment imports by its identity: application, role and entity
// type (Terraform 1.12+).
func TestAccRoleAssignmentIdentityImport(t *testing.T) {
	env := newTestEnv(t)
	config := env.config("%s", grantsConfig("Assignment Identity Org", 2, "clprovisioning_membership.person[*].id"))
	env.test(resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config: config, ResourceName: "clprovisioning_role_assignment.people", ImportState: true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}
