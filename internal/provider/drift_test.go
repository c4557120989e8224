package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// driftConfig has one resource of every type.
const driftConfig = `
terraform {
  required_providers {
    clprovisioning = { source = "clprovisioning/clprovisioning" }
  }
}
resource "clprovisioning_organization" "org" {
  name          = "Drift Org"
  support_email = "support@drift.example"
}
data "clprovisioning_role" "read_only" {
  organization_id = clprovisioning_organization.org.id
  kind            = "read_only"
}
resource "clprovisioning_role" "role" {
  organization_id = clprovisioning_organization.org.id
  name            = "Auditors"
}
resource "clprovisioning_permission" "permission" {
  role_id  = clprovisioning_role.role.id
  subject  = "orders"
  can_read = true
}
resource "clprovisioning_membership_profile" "profile" {
  organization_id = clprovisioning_organization.org.id
  name            = "Warehouse"
}
resource "clprovisioning_membership" "membership" {
  organization_id = clprovisioning_organization.org.id
  user_email      = "ada@drift.example"
  role_id         = data.clprovisioning_role.read_only.id
}
resource "clprovisioning_api_credential" "app" {
  organization_id = clprovisioning_organization.org.id
  name            = "Orders"
  kind            = "orders"
}
resource "clprovisioning_application_membership" "access" {
  organization_id       = clprovisioning_organization.org.id
  api_credential_id     = clprovisioning_api_credential.app.id
  role_id               = data.clprovisioning_role.read_only.id
  membership_profile_id = clprovisioning_membership_profile.profile.id
  filters               = { status_eq = "placed" }
}
resource "clprovisioning_role_assignment" "assignment" {
  api_credential_id = clprovisioning_api_credential.app.id
  role_id           = data.clprovisioning_role.read_only.id
  entity_type       = "membership"
  entity_ids        = [clprovisioning_membership.membership.id]
}
resource "clprovisioning_identity_provider" "sso" {
  depends_on    = [clprovisioning_organization.org]
  name          = "drift-sso"
  client_id     = "drift-client"
  client_secret = "drift-secret"
  issuer        = "https://sso.drift.example"
  domains       = ["drift.example"]
  token_url     = "https://sso.drift.example/token"
  authorize_url = "https://sso.drift.example/authorize"
  jwks_url      = "https://sso.drift.example/jwks"
}
resource "clprovisioning_user" "me" {
  time_zone = "Europe/Rome"
}
`

// Drift in pipelines: for every resource type, a change made behind
// Terraform's back makes `plan -detailed-exitcode` exit 2 with the changed
// attribute in the plan, and so does a deletion; with no change it exits 0.
func TestAccDriftDetection(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("changes and deletes objects the API cannot delete")
	c := newCLI(t)
	c.write("provider.tf", env.provider)
	c.write("main.tf", driftConfig)
	c.must("init", "-input=false", "-no-color")
	c.must("apply", "-input=false", "-no-color", "-auto-approve")
	state := c.state()

	expectNoDrift := func(when string) {
		t.Helper()
		if p, code := c.plan(); code != 0 {
			t.Fatalf("%s: plan exit %d, want 0: %v", when, code, changes(p))
		}
	}
	expectNoDrift("after apply")

	for _, tc := range []struct {
		address, apiType string
		attr             string // changed behind Terraform's back
		value            any
		removable        bool // the simulator can delete it (the plan then creates it)
	}{
		{"clprovisioning_organization.org", "organizations", "support_email", "hand@drift.example", false},
		{"clprovisioning_role.role", "roles", "name", "Renamed by hand", true},
		{"clprovisioning_permission.permission", "permissions", "can_read", false, true},
		{"clprovisioning_membership_profile.profile", "membership_profiles", "access_scope", "all_access", true},
		{"clprovisioning_membership.membership", "memberships", "access_scope", "test_access", true},
		{"clprovisioning_api_credential.app", "api_credentials", "name", "Renamed app", true},
		{"clprovisioning_application_membership.access", "application_memberships", "filters", map[string]any{"status_eq": "draft"}, true},
		{"clprovisioning_identity_provider.sso", "identity_providers", "issuer", "https://evil.example", true},
		{"clprovisioning_user.me", "users", "time_zone", "Europe/Paris", false},
	} {
		t.Run(tc.address, func(t *testing.T) {
			id := state[tc.address]
			env.change(tc.apiType, id, map[string]any{tc.attr: tc.value})
			p, code := c.plan()
			if code != 2 || !drifted(p, tc.address, tc.attr) {
				t.Errorf("after changing %s: exit %d, drift %v, changes %v", tc.attr, code, p.ResourceDrift, changes(p))
			}
			c.must("apply", "-input=false", "-no-color", "test.tfplan")
			expectNoDrift("after restoring " + tc.address)
			if !tc.removable {
				return
			}
			env.remove(tc.apiType, id)
			p, code = c.plan()
			if code != 2 || !strings.HasPrefix(changes(p)[tc.address], "create") {
				t.Errorf("after deleting %s: exit %d, changes %v", tc.address, code, changes(p))
			}
			c.must("apply", "-input=false", "-no-color", "test.tfplan")
			expectNoDrift("after recreating " + tc.address)
			state = c.state()
		})
	}

	t.Run("clprovisioning_role_assignment.assignment", func(t *testing.T) {
		// Revoked by hand: the plan grants it again.
		managed, _ := c.stateAttribute("clprovisioning_role_assignment.assignment", "application_membership_ids").(map[string]any)
		if len(managed) == 0 {
			t.Fatal("the assignment manages no application membership")
		}
		for _, amID := range managed {
			env.remove("application_memberships", fmt.Sprint(amID))
		}
		p, code := c.plan()
		if code != 2 || changes(p)["clprovisioning_role_assignment.assignment"] != "update" {
			t.Errorf("after revoking: exit %d, changes %v", code, changes(p))
		}
		c.must("apply", "-input=false", "-no-color", "test.tfplan")
		expectNoDrift("after re-granting")
	})
	c.must("destroy", "-input=false", "-no-color", "-auto-approve")
}

// drifted reports whether the plan shows the attribute of the resource
// changed outside Terraform.
func drifted(p *tfjson.Plan, address, attr string) bool {
	for _, rc := range p.ResourceDrift {
		if rc.Address != address {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		return !sameJSON(before[attr], after[attr])
	}
	return false
}

// state returns the id of every managed resource by address.
func (c *cli) state() map[string]string {
	c.t.Helper()
	ids := map[string]string{}
	var s tfjson.State
	if err := s.UnmarshalJSON([]byte(c.must("show", "-json"))); err != nil {
		c.t.Fatal(err)
	}
	for _, r := range s.Values.RootModule.Resources {
		if id, ok := r.AttributeValues["id"].(string); ok && r.Mode == tfjson.ManagedResourceMode {
			ids[r.Address] = id
		}
	}
	return ids
}

// stateAttribute returns one attribute of a resource in the state.
func (c *cli) stateAttribute(address, attr string) any {
	c.t.Helper()
	var s tfjson.State
	if err := s.UnmarshalJSON([]byte(c.must("show", "-json"))); err != nil {
		c.t.Fatal(err)
	}
	for _, r := range s.Values.RootModule.Resources {
		if r.Address == address {
			return r.AttributeValues[attr]
		}
	}
	c.t.Fatalf("%s not in the state", address)
	return nil
}

// The drift-check example script: exit 0 without drift; exit 2 with drift,
// naming the resource and, from the versions, who changed what.
func TestAccDriftCheckScript(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("the drift-check script summarises plans with jq, which is not installed")
	}
	env := newTestEnv(t)
	env.needSim()
	c := newCLI(t)
	example := filepath.Join("..", "..", "examples", "drift-check")
	main, err := os.ReadFile(filepath.Join(example, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs(filepath.Join(example, "drift-check.sh"))
	c.write("main.tf", string(main))
	c.write("provider.tf", env.provider)
	c.must("init", "-input=false", "-no-color")
	c.must("apply", "-input=false", "-no-color", "-auto-approve")

	// The provider block of the configuration also lists what exists.
	if out, code := c.exec("bash", script, "-provider", "provider.tf", "."); code != 0 || !strings.Contains(out, "no drift") {
		t.Fatalf("without drift: exit %d\n%s", code, out)
	}
	since := time.Now().UTC().Add(-time.Second).Format(time.RFC3339)
	roles, err := env.client.List(t.Context(), "roles", provisioning.Query{Filters: map[string]string{"name_eq": "Fulfilment"}})
	if err != nil || len(roles) != 1 {
		t.Fatalf("finding the role: %v (%d found)", err, len(roles))
	}
	env.change("roles", roles[0].ID, map[string]any{"name": "Fulfilment (edited)"})
	c.env = append(c.env, "DRIFT_SINCE="+since)
	out, code := c.exec("bash", script, "-provider", "provider.tf", ".")
	for _, want := range []string{"DRIFT", "clprovisioning_role.fulfilment", "roles/" + roles[0].ID, "Fulfilment (edited)"} {
		if !strings.Contains(out, want) {
			t.Errorf("drift report lacks %q", want)
		}
	}
	if code != 2 {
		t.Errorf("with drift: exit %d, want 2\n%s", code, out)
	}
}
