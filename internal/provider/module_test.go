package provider

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// onboardingInputs are the module's inputs for one phase of the test.
type onboardingInputs struct {
	people       string // HCL map body
	applications string // HCL map body
	supportEmail string // the organization's, "support@onboard.example" when empty
}

var onboardingStart = onboardingInputs{
	people: `
    "ada@onboard.example" = { role = "admin" }
    "bob@onboard.example" = { role = "Fulfilment", profile = "Warehouse" }
    "cy@onboard.example"  = { role = "read_only", profile = "QA", test_enabled = true }`,
	applications: `
    Storefront = { kind = "sales_channel" }
    "ERP sync" = { kind = "integration", role = "Fulfilment" }
    Orders = {
      kind   = "orders"
      people = { "ada@onboard.example" = { role = "admin" } }
      profiles = {
        Warehouse = { role = "read_only", filters = { market_id_in = [202, 203], status_eq = "placed" } }
        QA        = { role = "read_only" }
      }
    }`,
}

func onboardingConfig(env *testEnv, in onboardingInputs) string {
	module, _ := filepath.Abs(filepath.Join("..", "..", "examples", "modules", "org-onboarding"))
	return `terraform {
  required_providers {
    clprovisioning = { source = "clprovisioning/clprovisioning" }
  }
}
` + env.provider + fmt.Sprintf(`
module "onboarding" {
  source = %q

  organization = {
    name          = "Onboarding Org"
    support_email = %q
    primary_color = "#1E3A8A"
    config        = { mfe = { default = { links = { cart = "https://cart.onboard.example/:order_id" } } } }
  }
  custom_roles = {
    Fulfilment = {
      orders    = { read = true, update = true }
      shipments = { read = true }
    }
    Marketing = {
      promotions = { create = true, read = true, update = true, destroy = true }
    }
  }
  profiles = {
    Warehouse = {}
    QA        = { access_scope = "all_access" }
  }
  people = {%s
  }
  applications = {%s
  }
}

output "onboarding" {
  value     = module.onboarding
  sensitive = true
}
`, module, cmp.Or(in.supportEmail, "support@onboard.example"), in.people, in.applications)
}

// The org-onboarding module, end to end with a real Terraform CLI: apply
// from nothing, an empty second plan, then each everyday change produces
// exactly the expected plan, and destroy leaves nothing deletable behind.
func TestAccOnboardingModule(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("counts requests and checks what is left in the simulator")
	c := newCLI(t)
	apply := func(in onboardingInputs) {
		t.Helper()
		c.write("main.tf", onboardingConfig(env, in))
		c.must("apply", "-input=false", "-no-color", "-auto-approve")
	}
	expectPlan := func(what string, in onboardingInputs, want map[string]string) {
		t.Helper()
		c.write("main.tf", onboardingConfig(env, in))
		p, code := c.plan()
		if got := changes(p); !maps.Equal(got, want) || code != 2 {
			t.Fatalf("%s: plan (exit %d)\n got  %v\n want %v", what, code, got, want)
		}
		for _, rc := range p.ResourceChanges {
			if rc.Mode == tfjson.DataResourceMode && rc.Change.Actions.Read() {
				t.Errorf("%s: the plan defers reading %s to the apply", what, rc.Address)
			}
		}
		c.must("apply", "-input=false", "-no-color", "test.tfplan")
	}

	c.write("main.tf", onboardingConfig(env, onboardingStart))
	c.must("init", "-input=false", "-no-color")

	env.resetLog()
	start := time.Now()
	apply(onboardingStart)
	applyTook, applyCalls := time.Since(start), len(env.sim.Requests())
	t.Logf("first apply: %d API requests (%s) in %s", applyCalls, env.requestSummary(), applyTook.Round(time.Millisecond))

	env.resetLog()
	start = time.Now()
	if p, code := c.plan(); code != 0 {
		t.Fatalf("second plan is not empty: %v", changes(p))
	}
	t.Logf("no-change plan: %d API requests (%s) in %s", len(env.sim.Requests()), env.requestSummary(), time.Since(start).Round(time.Millisecond))
	if got := env.sim.CountRequests("POST", "/oauth/token"); got != 1 {
		t.Errorf("no-change plan: %d token requests, want 1", got)
	}

	var outputs map[string]struct{ Value json.RawMessage }
	if err := json.Unmarshal([]byte(c.must("output", "-json")), &outputs); err != nil {
		t.Fatal(err)
	}
	var out struct {
		OrganizationID string            `json:"organization_id"`
		RoleIDs        map[string]string `json:"role_ids"`
		MembershipIDs  map[string]string `json:"membership_ids"`
		ClientIDs      map[string]string `json:"client_ids"`
		ClientSecrets  map[string]any    `json:"client_secrets"`
	}
	if err := json.Unmarshal(outputs["onboarding"].Value, &out); err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(out.RoleIDs)); !slices.Equal(got, []string{"Fulfilment", "Marketing", "admin", "read_only"}) {
		t.Errorf("role_ids: %v", got)
	}
	if len(out.MembershipIDs) != 3 || len(out.ClientIDs) != 3 || out.OrganizationID == "" {
		t.Errorf("outputs: %+v", out)
	}

	const m = `module.onboarding.clprovisioning_membership.this`
	const am = `module.onboarding.clprovisioning_application_membership.this`
	withDan := onboardingStart
	withDan.people += `
    "dan@onboard.example" = { role = "Marketing" }`
	// A plan says only what will happen: one argument changed, one change,
	// and no data source left to read during the apply.
	mail := onboardingStart
	mail.supportEmail = "help@onboard.example"
	expectPlan("changing the support e-mail", mail, map[string]string{`module.onboarding.clprovisioning_organization.this`: "update"})
	c.write("main.tf", onboardingConfig(env, mail))
	if p, code := c.plan(); code != 0 {
		t.Fatalf("plan after the e-mail change is not empty: %v", changes(p))
	}
	expectPlan("changing the support e-mail back", onboardingStart, map[string]string{`module.onboarding.clprovisioning_organization.this`: "update"})

	expectPlan("adding a person", withDan, map[string]string{m + `["dan@onboard.example"]`: "create"})

	bobReadOnly := withDan
	bobReadOnly.people = strings.Replace(withDan.people, `role = "Fulfilment", profile = "Warehouse"`, `role = "read_only", profile = "Warehouse"`, 1)
	expectPlan("changing a person's role", bobReadOnly, map[string]string{m + `["bob@onboard.example"]`: "update"})

	cyMoved := bobReadOnly
	cyMoved.people = strings.Replace(bobReadOnly.people, `profile = "QA"`, `profile = "Warehouse"`, 1)
	expectPlan("moving a person to another profile", cyMoved, map[string]string{m + `["cy@onboard.example"]`: "update"})

	expectPlan("removing a person", onboardingInputs{people: strings.Replace(cyMoved.people, withDan.people[len(onboardingStart.people):], "", 1), applications: cyMoved.applications},
		map[string]string{m + `["dan@onboard.example"]`: "delete"})

	revoked := onboardingInputs{people: strings.Replace(cyMoved.people, withDan.people[len(onboardingStart.people):], "", 1),
		applications: strings.Replace(cyMoved.applications, `
        QA        = { role = "read_only" }`, "", 1)}
	expectPlan("revoking an app from a profile", revoked, map[string]string{am + `["Orders/profiles/QA"]`: "delete"})

	// Bad inputs fail at plan time, with messages that say what is wrong.
	for _, bad := range []struct {
		name string
		in   onboardingInputs
		want string
	}{
		{"unknown role", onboardingInputs{people: `
    "eve@onboard.example" = { role = "Wizard" }`}, `unknown role "Wizard"`},
		{"bad email", onboardingInputs{people: `
    "not-an-email" = { role = "admin" }`}, `every key must be an email address`},
		{"role on a sales channel", onboardingInputs{applications: `
    Shop = { kind = "sales_channel", role = "admin" }`}, `a sales_channel or webapp application cannot have a role`},
	} {
		c.write("main.tf", onboardingConfig(env, bad.in))
		out, code := c.run("plan", "-input=false", "-no-color")
		if code != 1 || !regexp.MustCompile(regexp.QuoteMeta(bad.want)).MatchString(strings.Join(strings.Fields(out), " ")) {
			t.Errorf("%s: exit %d, want 1 and %q in:\n%s", bad.name, code, bad.want, out)
		}
	}

	// Destroy removes everything the API can delete and says what it cannot.
	c.write("main.tf", onboardingConfig(env, revoked))
	destroyed := strings.Join(strings.Fields(c.must("destroy", "-input=false", "-no-color", "-auto-approve")), " ")
	for _, want := range []string{"The organization " + out.OrganizationID + " was not deleted", "was not deleted"} {
		if !strings.Contains(destroyed, want) {
			t.Errorf("destroy output lacks %q:\n%s", want, destroyed)
		}
	}
	left := func(typ string) []string {
		all, err := env.client.List(t.Context(), typ, provisioning.Query{Filters: map[string]string{"organization_id_eq": out.OrganizationID}})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range all {
			if kind, _ := r.Attr("kind"); kind == "resources" {
				continue // the organization's own credentials
			}
			if owner, _ := r.Attr("owner"); owner == true {
				continue // the owner's membership
			}
			ids = append(ids, r.ID)
		}
		return ids
	}
	for _, typ := range []string{"memberships", "membership_profiles", "api_credentials", "application_memberships"} {
		if ids := left(typ); len(ids) != 0 {
			t.Errorf("%s left after destroy: %v", typ, ids)
		}
	}
}
