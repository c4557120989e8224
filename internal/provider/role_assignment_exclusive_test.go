package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// An exclusive role assignment: access to its application with its role,
// given by hand to people it does not list, is named in the plan and
// revoked by apply; the organization owner's access, grants of another role
// and of the other type of entity are left alone; without exclusive such
// grants are not even read (the plan stays empty). Created exclusive, it
// revokes what it finds at once.
func TestAccRoleAssignmentExclusive(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("counts requests")
	const addr = "clprovisioning_role_assignment.test"
	ids := map[string]string{}
	config := func(exclusive bool, extra string) string {
		return env.config(assignmentOrg+`
resource "clprovisioning_membership_profile" "team" {
  organization_id = clprovisioning_organization.org.id
  name            = "Team"
}
resource "clprovisioning_role_assignment" "test" {
  api_credential_id = clprovisioning_api_credential.orders.id
  role_id           = data.clprovisioning_role.read_only.id
  entity_type       = "membership"
  entity_ids        = [clprovisioning_membership.people[0].id]
  exclusive         = %t
}
%s`, exclusive, extra)
	}
	ctx := context.Background()
	// grant gives a membership or a profile access to the app by hand, as
	// in the Dashboard.
	grant := func(role, rel, entity string) string {
		t.Helper()
		r, err := env.client.Create(ctx, &jsonapi.Resource{Type: "application_memberships", Attributes: map[string]any{},
			Relationships: map[string]jsonapi.Relationship{
				"api_credential": jsonapi.ToOne("api_credentials", ids["app"]),
				"organization":   jsonapi.ToOne("organizations", ids["org"]),
				"role":           jsonapi.ToOne("roles", ids[role]),
				rel:              jsonapi.ToOne(rel+"s", entity),
			}})
		if err != nil {
			t.Fatalf("granting by hand: %v", err)
		}
		return r.ID
	}
	var handC, handOwner, handAdminB, handTeam string
	exists := func(id *string, want bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := env.object("application_memberships", *id) != nil; got != want {
				return fmt.Errorf("application membership %s exists: %t, want %t", *id, got, want)
			}
			return nil
		}
	}
	// The plan shows each unlisted grant removed, by name.
	revokes := func(names ...string) plancheck.PlanCheck {
		return planCheckFunc(func(p *tfjson.Plan) error {
			rc := resourceChange(p, addr)
			if rc == nil {
				return fmt.Errorf("%s not in the plan", addr)
			}
			before, _ := rc.Change.Before.(map[string]any)["unlisted_grants"].(map[string]any)
			after, _ := rc.Change.After.(map[string]any)["unlisted_grants"].(map[string]any)
			var got []string
			for _, v := range before {
				got = append(got, fmt.Sprint(v))
			}
			if len(after) != 0 || strings.Join(sortedStrings(got), ",") != strings.Join(sortedStrings(names), ",") {
				return fmt.Errorf("unlisted_grants %v -> %v, want %v removed", before, after, names)
			}
			return nil
		})
	}

	admins := config(true, `
resource "clprovisioning_membership" "d" {
  organization_id = clprovisioning_organization.org.id
  user_email      = "d@example.com"
  role_id         = data.clprovisioning_role.read_only.id
}
resource "clprovisioning_role_assignment" "admins" {
  api_credential_id = clprovisioning_api_credential.orders.id
  role_id           = data.clprovisioning_role.admin.id
  entity_type       = "membership"
  entity_ids        = [clprovisioning_membership.d.id]
  exclusive         = true
}
`)
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{
			Config: config(false, ""),
			Check: resource.ComposeAggregateTestCheckFunc(
				captureInto(ids, "org", "clprovisioning_organization.org"),
				captureInto(ids, "app", "clprovisioning_api_credential.orders"),
				captureInto(ids, "read_only", "data.clprovisioning_role.read_only"),
				captureInto(ids, "admin", "data.clprovisioning_role.admin"),
				captureInto(ids, "b", "clprovisioning_membership.people.1"),
				captureInto(ids, "c", "clprovisioning_membership.people.2"),
				captureInto(ids, "team", "clprovisioning_membership_profile.team"),
				resource.TestCheckResourceAttr(addr, "exclusive", "false"),
				resource.TestCheckNoResourceAttr(addr, "unlisted_grants.%"),
			),
		},
		{
			// Access given by hand: without exclusive, nothing to plan.
			PreConfig: func() {
				owners, err := env.client.List(ctx, "memberships", provisioning.Query{Filters: map[string]string{
					"organization_id_eq": ids["org"], "owner_eq": "true"}})
				if err != nil || len(owners) != 1 {
					t.Fatalf("the owner's membership: %v (%d)", err, len(owners))
				}
				handC = grant("read_only", "membership", ids["c"])
				handOwner = grant("read_only", "membership", owners[0].ID)
				handAdminB = grant("admin", "membership", ids["b"])
				handTeam = grant("read_only", "membership_profile", ids["team"])
			},
			Config:   config(false, ""),
			PlanOnly: true,
		},
		{
			// Exclusive: c's access is named and revoked; the owner's, b's
			// (another role) and the team's (profiles) stay.
			PreConfig: env.resetLog,
			Config:    config(true, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "unlisted_grants.%", "0"),
				exists(&handC, false), exists(&handOwner, true), exists(&handAdminB, true), exists(&handTeam, true),
				env.calls("DELETE", "/api/application_memberships", 1),
				env.calls("POST", "/api/application_memberships", 0),
			),
		},
		{
			// Given again by hand: the plan shows it removed, by e-mail.
			PreConfig: func() { handC = grant("read_only", "membership", ids["c"]) },
			Config:    config(true, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				revokes("c@example.com"),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "unlisted_grants.%", "0"),
				exists(&handC, false), exists(&handOwner, true),
			),
		},
		{
			// Listed again by hand and then added to entity_ids: the hand
			// grant gives way to the assignment's own.
			PreConfig: func() { handC = grant("read_only", "membership", ids["c"]) },
			Config: strings.Replace(config(true, ""), "[clprovisioning_membership.people[0].id]",
				"[clprovisioning_membership.people[0].id, clprovisioning_membership.people[2].id]", 1),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{revokes("c@example.com")}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "application_membership_ids.%", "2"),
				exists(&handC, false),
			),
		},
		{
			// Created exclusive over the admin role: b's hand-made admin
			// access is revoked at once.
			PreConfig: env.resetLog,
			Config: config(true, `
resource "clprovisioning_role_assignment" "admins" {
  api_credential_id = clprovisioning_api_credential.orders.id
  role_id           = data.clprovisioning_role.admin.id
  entity_type       = "membership_profile"
  entity_ids        = [clprovisioning_membership_profile.team.id]
  exclusive         = true
}
`),
			ExpectError: regexp.MustCompile(`(?s)already has an application membership.*membership_profile`),
		},
		{
			Config: admins,
			Check: resource.ComposeAggregateTestCheckFunc(
				exists(&handAdminB, false), exists(&handOwner, true), exists(&handTeam, true),
				resource.TestCheckResourceAttr("clprovisioning_role_assignment.admins", "unlisted_grants.%", "0"),
			),
		},
		{
			// What is left of the hand-made access goes, so that destroy can
			// delete the people and the app: nothing to plan.
			PreConfig: func() {
				env.remove("application_memberships", handOwner)
				env.remove("application_memberships", handTeam)
			},
			Config:   admins,
			PlanOnly: true,
		},
	}})
}

// planCheckFunc is a plan check written as a function of the plan.
type planCheckFunc func(p *tfjson.Plan) error

func (f planCheckFunc) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f(req.Plan)
}

// resourceChange is the planned change of a resource, nil when it has none.
func resourceChange(p *tfjson.Plan, address string) *tfjson.ResourceChange {
	for _, rc := range p.ResourceChanges {
		if rc.Address == address {
			return rc
		}
	}
	return nil
}
