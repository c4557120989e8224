package provider

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// adoptionConfig calls examples/modules/org-adoption on the hand-made
// organization: most of what the variables name exists (among it the
// owner's membership), one object of each type does not. The modules are
// copied beside the configuration, as a user keeps them (an absolute path
// would make the module a package of its own, which org-onboarding beside it
// is not part of).
func adoptionConfig(t *testing.T, c *cli, env *testEnv, h *handMade) string {
	t.Helper()
	if err := os.CopyFS(filepath.Join(c.dir, "modules"), os.DirFS(filepath.Join("..", "..", "examples", "modules"))); err != nil {
		t.Fatal(err)
	}
	const module = "./modules/org-adoption"
	return `terraform {
  required_providers {
    clprovisioning = { source = "clprovisioning/clprovisioning" }
  }
}
` + env.provider + fmt.Sprintf(`
module "brand" {
  source          = %[1]q
  organization_id = %[2]q

  organization = {
    name          = "Adopt Brand"
    support_email = "support@bluebrand.example"
    primary_color = "#1E3A8A"
    config        = { mfe = { default = { links = { cart = "https://cart.bluebrand.example" } } } }
    metadata      = { team = "ops" }
  }
  custom_roles = {
    Fulfilment = { orders = { read = true, update = true } }
    Marketing  = { promotions = { read = true } }
  }
  profiles = {
    Testers   = { access_scope = "test_access" }
    Warehouse = {}
  }
  people = {
    %[3]q                     = { role = "admin" }
    "ada@bluebrand.example"   = { role = "read_only", profile = "Testers" }
    "grace@bluebrand.example" = { role = "Fulfilment", access_scope = "all_access" }
    "new@bluebrand.example"   = { role = "read_only" }
  }
  applications = {
    "Back office" = { kind = "integration", role = "admin", expires_in = 14400 }
    Storefront    = { kind = "sales_channel", mode = "live" }
    "Orders app" = {
      kind     = "orders"
      people   = { "ada@bluebrand.example" = { role = "read_only", filters = { market_id_in = [202, 203], status_eq = "placed" } } }
      profiles = { Testers = { role = "admin" } }
    }
    "New app" = { kind = "sales_channel" }
  }
}

output "organization_id" {
  value = module.brand.organization_id
}
`, module, h.org, h.ownerEmail)
}

// The org-adoption module (Terraform 1.16: import blocks inside a module)
// adopts an organization made by hand: everything its variables name that
// exists is imported, never created again, the owner's membership included;
// the rest is created; the second plan is empty.
func TestAccOrgAdoptionModule(t *testing.T) {
	c := newCLI(t)
	c.requireTerraform("1.16.0", "import blocks inside a module (examples/modules/org-adoption)")
	env := newTestEnv(t)
	h := newHandMade(t, env, "Adopt Brand")
	c.write("main.tf", adoptionConfig(t, c, env, h))
	c.must("init", "-input=false", "-no-color")

	const (
		mod  = "module.brand.module.onboarding."
		role = mod + "clprovisioning_role.custom"
		perm = mod + "clprovisioning_permission.custom"
		prof = mod + "clprovisioning_membership_profile.this"
		memb = mod + "clprovisioning_membership.this"
		app  = mod + "clprovisioning_api_credential.this"
		am   = mod + "clprovisioning_application_membership.this"
	)
	wantImported := []string{
		mod + "clprovisioning_organization.this",
		role + `["Fulfilment"]`, perm + `["Fulfilment/orders"]`, prof + `["Testers"]`,
		memb + fmt.Sprintf("[%q]", h.ownerEmail), memb + `["ada@bluebrand.example"]`, memb + `["grace@bluebrand.example"]`,
		app + `["Back office"]`, app + `["Storefront"]`, app + `["Orders app"]`,
		am + `["Orders app/people/ada@bluebrand.example"]`, am + `["Orders app/profiles/Testers"]`,
	}
	wantCreated := []string{
		role + `["Marketing"]`, perm + `["Marketing/promotions"]`, prof + `["Warehouse"]`,
		memb + `["new@bluebrand.example"]`, app + `["New app"]`,
	}

	p, code := c.plan()
	if code != 2 {
		t.Fatalf("first plan: exit %d, want 2 (changes)", code)
	}
	var imported, created []string
	for _, rc := range p.ResourceChanges {
		switch {
		case rc.Change.Importing != nil:
			imported = append(imported, rc.Address)
			if !rc.Change.Actions.NoOp() && !rc.Change.Actions.Update() {
				t.Errorf("%s: imported and then %v", rc.Address, rc.Change.Actions)
			}
		case rc.Change.Actions.Create():
			created = append(created, rc.Address)
		case !rc.Change.Actions.NoOp() && !rc.Change.Actions.Read():
			t.Errorf("%s: %v planned for an adoption", rc.Address, rc.Change.Actions)
		}
	}
	slices.Sort(imported)
	slices.Sort(created)
	slices.Sort(wantImported)
	slices.Sort(wantCreated)
	if !slices.Equal(imported, wantImported) {
		t.Errorf("imported:\n got  %q\n want %q", imported, wantImported)
	}
	if !slices.Equal(created, wantCreated) {
		t.Errorf("created:\n got  %q\n want %q", created, wantCreated)
	}
	if t.Failed() {
		return
	}

	env.resetLog()
	c.must("apply", "-input=false", "-no-color", "test.tfplan")
	// One POST per object created, none for what was adopted.
	posts := map[string]int{}
	for _, r := range env.sim.Requests() {
		if r.Method == http.MethodPost && r.Path != "/oauth/token" {
			posts[r.Path]++
		}
	}
	wantPosts := map[string]int{
		"/api/roles": 1, "/api/permissions": 1, "/api/membership_profiles": 1, "/api/memberships": 1, "/api/api_credentials": 1,
	}
	if !maps.Equal(posts, wantPosts) {
		t.Errorf("POSTs of the apply: %v, want %v", posts, wantPosts)
	}
	if p, code := c.plan(); code != 0 {
		t.Fatalf("second plan is not empty: %v", changes(p))
	}

	if id := strings.TrimSpace(c.must("output", "-raw", "organization_id")); id != h.org {
		t.Errorf("organization_id output: %q, want the adopted %q", id, h.org)
	}
}
