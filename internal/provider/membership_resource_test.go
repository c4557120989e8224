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

// membershipOrg is an organization with a profile that grants live access
// only and one that grants test access too.
const membershipOrg = `
resource "clprovisioning_organization" "org" { name = "Membership Org" }
data "clprovisioning_role" "admin" {
  organization_id = clprovisioning_organization.org.id
  kind            = "admin"
}
data "clprovisioning_role" "read_only" {
  organization_id = clprovisioning_organization.org.id
  kind            = "read_only"
}
resource "clprovisioning_membership_profile" "live" {
  organization_id = clprovisioning_organization.org.id
  name            = "Live only"
  test_enabled    = false
}
resource "clprovisioning_membership_profile" "test" {
  organization_id = clprovisioning_organization.org.id
  name            = "Testers"
  access_scope    = "test_access"
}
`

func TestAccMembership(t *testing.T) {
	env := newTestEnv(t)
	const addr = "clprovisioning_membership.test"
	var id string
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	member := func(email, body string) string {
		return env.config(membershipOrg+`
resource "clprovisioning_membership" "test" {
  organization_id = clprovisioning_organization.org.id
  user_email      = %q
  %s
}
`, email, body)
	}
	steps := []resource.TestStep{
		{
			Config:            member("ada@example.com", `role_id = data.clprovisioning_role.read_only.id`),
			ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
			Check: resource.ComposeAggregateTestCheckFunc(
				capture(addr, "id", &id),
				resource.TestCheckResourceAttr(addr, "status", "pending"),
				resource.TestCheckResourceAttr(addr, "owner", "false"),
				resource.TestCheckResourceAttr(addr, "access_scope", "live_access"),
				resource.TestCheckResourceAttr(addr, "test_enabled", "false"),
				resource.TestCheckResourceAttr(addr, "effective_test_enabled", "false"),
				resource.TestCheckNoResourceAttr(addr, "membership_profile_id"),
				resource.TestCheckResourceAttrPair(addr, "role_id", "data.clprovisioning_role.read_only", "id"),
				env.requests(map[string]int{
					"POST /api/memberships*": 1,
					"GET /api/memberships*":  0,
					"POST /oauth/token*":     1,
				}),
			),
		},
		{
			// test_enabled alone: test access on top of live.
			Config: member("ada@example.com", `
  role_id      = data.clprovisioning_role.admin.id
  test_enabled = true`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("access_scope"), knownvalue.StringExact("all_access")),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "access_scope", "all_access"),
				resource.TestCheckResourceAttr(addr, "effective_test_enabled", "true"),
				resource.TestCheckResourceAttrPair(addr, "role_id", "data.clprovisioning_role.admin", "id"),
				env.remote("memberships", &id, "access_scope", "all_access"),
				env.requests(map[string]int{"PATCH /api/memberships*": 1}),
			),
		},
		{
			// access_scope alone is sent as given and test_enabled follows it.
			Config: member("ada@example.com", `
  role_id      = data.clprovisioning_role.admin.id
  access_scope = "test_access"`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "test_enabled", "true"),
				env.remote("memberships", &id, "access_scope", "test_access"),
			),
		},
		{
			// In a live-only profile the profile wins: test access is not effective.
			Config: member("ada@example.com", `
  role_id               = data.clprovisioning_role.admin.id
  test_enabled          = true
  membership_profile_id = clprovisioning_membership_profile.live.id`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "test_enabled", "true"),
				resource.TestCheckResourceAttr(addr, "effective_test_enabled", "false"),
				resource.TestCheckResourceAttrPair(addr, "membership_profile_id", "clprovisioning_membership_profile.live", "id"),
			),
		},
		{ResourceName: addr, ImportState: true, ImportStateVerify: true},
		// A plan with an import block must be a no-op: the imported state
		// matches the configuration.
		{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
		{
			// Leaving the profile and dropping both settings: back to live access.
			Config: member("ada@example.com", `role_id = data.clprovisioning_role.admin.id`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckNoResourceAttr(addr, "membership_profile_id"),
				resource.TestCheckResourceAttr(addr, "access_scope", "live_access"),
				resource.TestCheckResourceAttr(addr, "test_enabled", "false"),
				env.remote("memberships", &id, "access_scope", "live_access"),
				env.remoteRel("memberships", &id, "membership_profile", ""),
			),
		},
		{
			// Changed in the Dashboard: the plan puts it back.
			PreConfig: func() { env.change("memberships", id, map[string]any{"access_scope": "all_access"}) },
			Config:    member("ada@example.com", `role_id = data.clprovisioning_role.admin.id`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
			Check: env.remote("memberships", &id, "access_scope", "live_access"),
		},
		{
			// Re-sending the invitation of a pending membership: one POST to resend.
			Config: member("ada@example.com", `
  role_id           = data.clprovisioning_role.admin.id
  resend_invitation = "2026-11-24"`),
			Check: resource.ComposeAggregateTestCheckFunc(
				env.requests(map[string]int{
					"POST /api/memberships/*/resend": 1,
					"PATCH /api/memberships*":        0,
				}),
			),
		},
		{
			PreConfig: func() { env.remove("memberships", id) },
			Config: member("ada@example.com", `
  role_id           = data.clprovisioning_role.admin.id
  resend_invitation = "2026-11-24"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
		},
		{
			Config: member("grace@example.com", `role_id = data.clprovisioning_role.admin.id`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			Check: resource.TestCheckResourceAttr(addr, "user_email", "grace@example.com"),
		},
	}
	env.test(resource.TestCase{Steps: steps, CheckDestroy: env.gone("memberships", "user_email", "ada@example.com", "grace@example.com")})
}

func TestAccMembershipValidation(t *testing.T) {
	env := newTestEnv(t)
	member := func(body string) string {
		return env.config(`
resource "clprovisioning_membership" "bad" {
  organization_id = "org"
  role_id         = "role"
  %s
}
`, body)
	}
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{
			Config: member(`
  user_email   = "ada@example.com"
  test_enabled = false
  access_scope = "all_access"`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)test_enabled = false contradicts access_scope = "all_access"`),
		},
		{
			Config:      member(`user_email = "not-an-email"`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)user_email.*must be an email address`),
		},
		{
			Config: member(`
  user_email   = "ada@example.com"
  access_scope = "everything"`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)access_scope.*live_access`),
		},
	}})
}

// The owner's membership cannot be destroyed: the error says what to do,
// and a removed block lets go of it.
func TestAccMembershipOwner(t *testing.T) {
	env := newTestEnv(t)
	base := membershipOrg + `
data "clprovisioning_user" "me" {}
data "clprovisioning_membership" "owner" {
  organization_id = clprovisioning_organization.org.id
  user_email      = data.clprovisioning_user.me.email
}
`
	owned := base + `
import {
  to = clprovisioning_membership.owner
  id = data.clprovisioning_membership.owner.id
}
resource "clprovisioning_membership" "owner" {
  organization_id = clprovisioning_organization.org.id
  user_email      = data.clprovisioning_user.me.email
  role_id         = data.clprovisioning_role.admin.id
}
`
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{
			Config: env.config("%s", base),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.clprovisioning_membership.owner", "owner", "true"),
				resource.TestCheckResourceAttr("data.clprovisioning_membership.owner", "status", "active"),
			),
		},
		{
			Config: env.config("%s", owned),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("clprovisioning_membership.owner", plancheck.ResourceActionNoop),
			}},
		},
		{
			Config:      env.config("%s", owned),
			Destroy:     true,
			ExpectError: regexp.MustCompile(`(?s)Cannot destroy the owner's membership.*Transfer ownership`),
		},
		{
			Config: env.config("%s", base+`
removed {
  from = clprovisioning_membership.owner
  lifecycle { destroy = false }
}
`),
		},
	}})
}

func TestAccMembershipDataSources(t *testing.T) {
	env := newTestEnv(t)
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{
			Config: env.config(membershipOrg + `
resource "clprovisioning_membership" "a" {
  organization_id       = clprovisioning_organization.org.id
  user_email            = "ada@example.com"
  role_id               = data.clprovisioning_role.admin.id
  membership_profile_id = clprovisioning_membership_profile.test.id
}
resource "clprovisioning_membership" "b" {
  organization_id = clprovisioning_organization.org.id
  user_email      = "bob@other.example"
  role_id         = data.clprovisioning_role.read_only.id
}
data "clprovisioning_membership" "by_email" {
  organization_id = clprovisioning_organization.org.id
  user_email      = clprovisioning_membership.a.user_email
}
data "clprovisioning_membership" "by_id" { id = clprovisioning_membership.b.id }
data "clprovisioning_memberships" "all" {
  organization_id = clprovisioning_organization.org.id
  depends_on      = [clprovisioning_membership.a, clprovisioning_membership.b]
}
data "clprovisioning_memberships" "pending_example_com" {
  organization_id     = clprovisioning_organization.org.id
  status              = "pending"
  user_email_contains = "@EXAMPLE.com"
  depends_on          = [clprovisioning_membership.a, clprovisioning_membership.b]
}
data "clprovisioning_memberships" "read_only" {
  role_id    = data.clprovisioning_role.read_only.id
  depends_on = [clprovisioning_membership.a, clprovisioning_membership.b]
}
data "clprovisioning_memberships" "testers" {
  membership_profile_id = clprovisioning_membership_profile.test.id
  depends_on            = [clprovisioning_membership.a, clprovisioning_membership.b]
}
`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPair("data.clprovisioning_membership.by_email", "id", "clprovisioning_membership.a", "id"),
				resource.TestCheckResourceAttr("data.clprovisioning_membership.by_email", "effective_test_enabled", "true"),
				resource.TestCheckResourceAttr("data.clprovisioning_membership.by_id", "user_email", "bob@other.example"),
				// the owner, ada and bob
				resource.TestCheckResourceAttr("data.clprovisioning_memberships.all", "items.#", "3"),
				resource.TestCheckResourceAttr("data.clprovisioning_memberships.pending_example_com", "items.#", "1"),
				resource.TestCheckResourceAttr("data.clprovisioning_memberships.pending_example_com", "items.0.user_email", "ada@example.com"),
				resource.TestCheckResourceAttr("data.clprovisioning_memberships.read_only", "items.#", "1"),
				resource.TestCheckResourceAttr("data.clprovisioning_memberships.testers", "items.#", "1"),
			),
		},
		{
			Config: env.config(membershipOrg + `
data "clprovisioning_membership" "none" {
  organization_id = clprovisioning_organization.org.id
  user_email      = "nobody@example.com"
}
`),
			ExpectError: regexp.MustCompile(`No membership found with organization_id = ".*" and user_email =\s+"nobody@example.com"`),
		},
	}})
}

// A profile's scope and a membership in it change in one apply: the
// membership's effective_test_enabled follows the profile (which wins), so
// the apply must not have promised the old value ("Provider produced
// inconsistent result after apply"), and the plan after it is empty.
func TestAccMembershipProfileScopeChangesInTheSameApply(t *testing.T) {
	env := newTestEnv(t)
	const addr = "clprovisioning_membership.test"
	const profile = "clprovisioning_membership_profile.group"
	var id string
	config := func(scope, reference string) string {
		return env.config(`
resource "clprovisioning_organization" "org" { name = "Scope Org" }
data "clprovisioning_role" "read_only" {
  organization_id = clprovisioning_organization.org.id
  kind            = "read_only"
}
resource "clprovisioning_membership_profile" "group" {
  organization_id = clprovisioning_organization.org.id
  name            = "Group"
  access_scope    = %q
}
resource "clprovisioning_membership" "test" {
  organization_id       = clprovisioning_organization.org.id
  user_email            = "ada@scope.example"
  role_id               = data.clprovisioning_role.read_only.id
  membership_profile_id = clprovisioning_membership_profile.group.id
  test_enabled          = true
  reference             = %q
}
`, scope, reference)
	}
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{
			Config: config("all_access", "first"),
			Check: resource.ComposeAggregateTestCheckFunc(
				capture(addr, "id", &id),
				resource.TestCheckResourceAttr(addr, "effective_test_enabled", "true"),
				resource.TestCheckResourceAttr(profile, "access_scope", "all_access"),
			),
		},
		{
			// One apply: the profile turns live only, the membership's
			// reference changes. The profile now denies test data.
			Config: config("live_access", "second"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(profile, plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				plancheck.ExpectUnknownValue(addr, tfjsonpath.New("effective_test_enabled")),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(profile, "access_scope", "live_access"),
				resource.TestCheckResourceAttr(addr, "reference", "second"),
				resource.TestCheckResourceAttr(addr, "test_enabled", "true"),
				resource.TestCheckResourceAttr(addr, "effective_test_enabled", "false"),
				env.remote("memberships", &id, "reference", "second"),
			),
		},
		{Config: config("live_access", "second"), PlanOnly: true},
	}})
}
