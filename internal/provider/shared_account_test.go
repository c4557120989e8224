package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// In an account that other people and pipelines share, a create whose answer
// is lost never takes over an object it cannot prove it made: a teammate's
// identity provider of the same name, made moments before, stays the
// teammate's, and the apply says what exists instead of adopting it.
func TestAccLostCreateNeverTakesAnothersIdentityProvider(t *testing.T) {
	env := newTestEnv(t)
	env.needSim() // loses the POST on its way
	var theirs string
	env.test(resource.TestCase{Steps: []resource.TestStep{{
		Config: env.config("%s", identityProviderOwner),
	}, {
		PreConfig: func() {
			made, err := env.client.Create(context.Background(), &jsonapi.Resource{Type: "identity_providers", Attributes: map[string]any{
				"name": "acme-sso", "client_id": "their-client", "client_secret": "their-secret",
				"issuer": "https://sso.other.example/", "domains": "other.example",
				"token_url": "https://sso.other.example/token", "authorize_url": "https://sso.other.example/authorize",
				"jwks_url": "https://sso.other.example/jwks",
			}})
			if err != nil {
				t.Fatal(err)
			}
			theirs = made.ID
			// The pipeline's POST is lost before it reaches the API.
			env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultDrop, Method: "POST", PathPrefix: "/api/identity_providers", Count: 1})
		},
		Config:      identityProvider(env, "secret", `["acme.example"]`, ""),
		ExpectError: regexp.MustCompile(`(?s)Identity provider already exists.*import \{`),
	}, {
		Config: env.config("%s", identityProviderOwner),
		Check: resource.ComposeAggregateTestCheckFunc(
			env.remote("identity_providers", &theirs, "issuer", "https://sso.other.example/"),
			env.remote("identity_providers", &theirs, "client_id", "their-client"),
			env.countWhere("identity_providers", nil, "name", "acme-sso", 1),
		),
	}}})
}

// The same for an organization: a teammate's "Acme" is never taken, and no
// contractor is made admin in it. Organizations cannot be deleted, so the
// error says so rather than "delete the others".
func TestAccLostCreateNeverTakesAnothersOrganization(t *testing.T) {
	env := newTestEnv(t)
	env.needSim() // loses the POST on its way
	var theirs string
	env.test(resource.TestCase{Steps: []resource.TestStep{{
		PreConfig: func() {
			made, err := env.client.Create(context.Background(), &jsonapi.Resource{Type: "organizations", Attributes: map[string]any{"name": "Acme"}})
			if err != nil {
				t.Fatal(err)
			}
			theirs = made.ID
			env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultDrop, Method: "POST", PathPrefix: "/api/organizations", Count: 1})
		},
		Config: env.config(`
resource "clprovisioning_organization" "o" { name = "Acme" }
resource "clprovisioning_membership" "contractor" {
  organization_id = clprovisioning_organization.o.id
  user_email      = "contractor@outside.example"
  role_id         = clprovisioning_organization.o.admin_role_id
}
`),
		ExpectError: regexp.MustCompile(`(?s)Organization already exists.*import \{.*cannot delete\s+organizations`),
	}, {
		PreConfig: env.sim.ClearFaults,
		Config:    env.config(`output "nothing" { value = "" }`),
		Check: resource.ComposeAggregateTestCheckFunc(
			env.countWhere("organizations", nil, "name", "Acme", 1),
			env.countWhere("memberships", map[string]string{"organization_id_eq": theirs}, "user_email", "contractor@outside.example", 0),
		),
	}}})
}

// A run that lost its local state (a kill during the state write leaves a
// 0-byte terraform.tfstate) finds its organization before creating another:
// the apply names it with its import block, and the account keeps one.
func TestAccLostStateDoesNotDuplicateTheOrganization(t *testing.T) {
	env := newTestEnv(t)
	env.needSim() // counts the organizations behind the CLI
	c := newCLI(t)
	c.write("main.tf", `terraform {
  required_providers {
    clprovisioning = { source = "clprovisioning/clprovisioning" }
  }
}
`+env.provider+`
resource "clprovisioning_organization" "org" { name = "Lost State Org" }
resource "clprovisioning_membership_profile" "team" {
  organization_id = clprovisioning_organization.org.id
  name            = "Team"
}
`)
	c.must("init", "-input=false", "-no-color")
	c.must("apply", "-input=false", "-no-color", "-auto-approve")
	if err := os.Truncate(filepath.Join(c.dir, "terraform.tfstate"), 0); err != nil {
		t.Fatal(err)
	}
	out, code := c.run("apply", "-input=false", "-no-color", "-auto-approve")
	if code == 0 {
		t.Fatalf("the apply with a lost state succeeded:\n%s", out)
	}
	if !regexp.MustCompile(`(?s)Organization already exists.*to = clprovisioning_organization.<name>`).MatchString(out) {
		t.Errorf("the apply does not name the organization with its import block:\n%s", out)
	}
	if n := env.count("organizations", nil, "name", "Lost State Org"); n != 1 {
		t.Errorf("%d organizations named Lost State Org, want 1", n)
	}
}

// A permission destroyed (its rights revoked, the object kept) and applied
// again without its former reference converges: the take-over writes every
// planned value, nulls included.
func TestAccPermissionRecreatedWithoutItsReference(t *testing.T) {
	env := newTestEnv(t)
	role := `
resource "clprovisioning_organization" "org" { name = "Perm Again Org" }
resource "clprovisioning_role" "role" {
  organization_id = clprovisioning_organization.org.id
  name            = "Warehouse"
}
`
	env.test(resource.TestCase{Steps: []resource.TestStep{{
		Config: env.config("%s", role+`
resource "clprovisioning_permission" "p" {
  role_id          = clprovisioning_role.role.id
  subject          = "orders"
  can_read         = true
  reference        = "erp-1"
  reference_origin = "erp"
  metadata         = { team = "ops" }
}
`),
	}, {
		Config: env.config("%s", role),
	}, {
		Config: env.config("%s", role+`
resource "clprovisioning_permission" "p" {
  role_id  = clprovisioning_role.role.id
  subject  = "orders"
  can_read = true
}
`),
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckNoResourceAttr("clprovisioning_permission.p", "reference"),
			resource.TestCheckNoResourceAttr("clprovisioning_permission.p", "metadata.%"),
		),
	}, {
		Config: env.config("%s", role+`
resource "clprovisioning_permission" "p" {
  role_id  = clprovisioning_role.role.id
  subject  = "orders"
  can_read = true
}
`),
		PlanOnly: true,
	}}})
}

// count is how many objects of a type (narrowed by API filters) have an
// attribute equal to value (case-insensitively).
func (e *testEnv) count(typ string, filters map[string]string, attribute, value string) int {
	e.t.Helper()
	all, err := e.client.List(context.Background(), typ, provisioning.Query{Filters: filters})
	if err != nil {
		e.t.Fatalf("listing %s: %v", typ, err)
	}
	n := 0
	for _, o := range all {
		if strings.EqualFold(o.String(attribute), value) {
			n++
		}
	}
	return n
}

// countWhere checks count.
func (e *testEnv) countWhere(typ string, filters map[string]string, attribute, value string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := e.count(typ, filters, attribute, value); n != want {
			return fmt.Errorf("%d %s with %s %q, want %d", n, typ, attribute, value, want)
		}
		return nil
	}
}

// A plan that would lock the provider out — removing the membership of the
// user whose credentials it uses, or making it read-only — is refused with
// the reason; and access lost behind Terraform's back is reported as such,
// never as an organization deleted (which the next plan would create again).
func TestAccOwnAccessIsKept(t *testing.T) {
	env := newTestEnv(t)
	env.needSim() // ownership moves and access is lost behind Terraform's back
	env.sim.AddKnownUser("new.owner@example.com", "New", "Owner")
	const me = "owner@example.com" // the simulator's signed-in user
	var orgID, myID string
	var regain func()
	org := `
resource "clprovisioning_organization" "org" { name = "Own Access Org" }
resource "clprovisioning_membership" "new_owner" {
  organization_id = clprovisioning_organization.org.id
  user_email      = "new.owner@example.com"
  role_id         = clprovisioning_organization.org.admin_role_id
}
`
	mine := func(role string) string {
		return org + fmt.Sprintf(`
data "clprovisioning_membership" "me" {
  organization_id = clprovisioning_organization.org.id
  user_email      = %q
}
import {
  to = clprovisioning_membership.me
  id = data.clprovisioning_membership.me.id
}
resource "clprovisioning_membership" "me" {
  organization_id = clprovisioning_organization.org.id
  user_email      = %q
  role_id         = clprovisioning_organization.org.%s
}
`, me, me, role)
	}
	env.test(resource.TestCase{Steps: []resource.TestStep{{
		Config: env.config("%s", org),
		Check:  capture("clprovisioning_organization.org", "id", &orgID),
	}, {
		PreConfig: func() {
			ctx := context.Background()
			transfer := &jsonapi.Resource{Type: "organizations", ID: orgID, Attributes: map[string]any{"new_owner_email": "new.owner@example.com"}}
			if err := env.client.Action(ctx, "PATCH", "organizations/"+orgID+"/transfer_ownership", transfer); err != nil {
				t.Fatal(err)
			}
		},
		Config: env.config("%s", mine("admin_role_id")),
		Check:  capture("clprovisioning_membership.me", "id", &myID),
	}, {
		Config:      env.config("%s", mine("read_only_role_id")),
		ExpectError: regexp.MustCompile(`(?s)lock the provider out.*owner@example.com.*read_only\s+role.*allow_own_access_removal`),
	}, {
		Config:      env.config("%s", org),
		ExpectError: regexp.MustCompile(`(?s)lock the provider out.*owner@example.com.*remove\s+its\s+membership`),
	}, {
		PreConfig: func() { regain = env.loseAccess(orgID) },
		Config: env.config("%s", org+`
resource "clprovisioning_membership" "me" {
  organization_id = clprovisioning_organization.org.id
  user_email      = "owner@example.com"
  role_id         = clprovisioning_organization.org.admin_role_id
}
`),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`(?s)Access to organization [^ ]+ was lost.*cannot\s+delete\s+organizations`),
	}, {
		// Access restored; stop managing the two memberships that cannot be
		// destroyed here (the owner's, and the provider's own).
		PreConfig: func() { regain() },
		Config: env.config(`
resource "clprovisioning_organization" "org" { name = "Own Access Org" }
removed {
  from = clprovisioning_membership.me
  lifecycle { destroy = false }
}
removed {
  from = clprovisioning_membership.new_owner
  lifecycle { destroy = false }
}
`),
		Check: env.countWhere("organizations", nil, "name", "Own Access Org", 1),
	}}})
}

// loseAccess takes the signed-in user's access to an organization away
// behind Terraform's back (its membership moves to another address) and
// returns what gives it back.
func (e *testEnv) loseAccess(org string) (regain func()) {
	e.t.Helper()
	m := e.ownMembership(org)
	e.change("memberships", m.ID, map[string]any{"user_email": "someone.else@example.com"})
	return func() { e.change("memberships", m.ID, map[string]any{"user_email": m.String("user_email")}) }
}

// ownMembership is the signed-in user's membership of an organization.
func (e *testEnv) ownMembership(org string) *jsonapi.Resource {
	e.t.Helper()
	user, err := e.client.GetPath(context.Background(), "user")
	if err != nil {
		e.t.Fatal(err)
	}
	all, err := e.client.List(context.Background(), "memberships", provisioning.Query{Filters: map[string]string{
		"organization_id_eq": org, "user_email_eq": user.String("email"),
	}})
	if err != nil || len(all) != 1 {
		e.t.Fatalf("the signed-in user's membership of %s: %d found, %v", org, len(all), err)
	}
	return &all[0]
}
