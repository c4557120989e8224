package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// driftReport is the JSON report of examples/drift-check/drift-check.sh.
type driftReport struct {
	Status                  string   `json:"status"`
	ExitCode                int      `json:"exit_code"`
	Drift                   bool     `json:"drift"`
	Inventory               string   `json:"inventory"`
	Organizations           []string `json:"organizations"`
	ChangedOutsideTerraform []struct {
		Address string `json:"address"`
	} `json:"changed_outside_terraform"`
	PlannedChanges []struct {
		Address string `json:"address"`
	} `json:"planned_changes"`
	Unmanaged []unmanagedObject `json:"unmanaged"`
}

type unmanagedObject struct {
	Type           string `json:"type"`
	ID             string `json:"id"`
	OrganizationID string `json:"organization_id"`
	Organization   string `json:"organization"`
	ResourceType   string `json:"resource_type"`
	Name           string `json:"name"`
	Detail         string `json:"detail"`
	Pending        *bool  `json:"pending"`
	MadeBy         string `json:"made_by"`
}

// driftCheck runs the example's script in the CLI's directory with the
// arguments, writing the JSON report to a file beside the text: it returns
// both and the exit code.
func (c *cli) driftCheck(extraEnv []string, args ...string) (string, *driftReport, int) {
	c.t.Helper()
	script, _ := filepath.Abs(filepath.Join("..", "..", "examples", "drift-check", "drift-check.sh"))
	reportFile := filepath.Join(c.t.TempDir(), "report.json")
	saved := c.env
	c.env = append(slices.Clone(c.env), extraEnv...)
	out, code := c.exec("bash", append([]string{script, "-report", reportFile}, args...)...)
	c.env = saved
	var r driftReport
	if b, err := os.ReadFile(reportFile); err != nil || json.Unmarshal(b, &r) != nil {
		if code != 1 {
			c.t.Fatalf("drift-check: exit %d without a readable report (%v)\n%s", code, err, out)
		}
		return out, nil, code
	}
	return out, &r, code
}

// useEnvironmentCredentials configures the provider through the
// CLPROVISIONING_* variables, as a pipeline does, for provider blocks
// without arguments (against the real API they are set already). The
// provider is served from the test process, so they are set there, for the
// duration of the test (not a parallel one: parallel tests wait for it).
func (c *cli) useEnvironmentCredentials(env *testEnv) {
	c.t.Helper()
	if env.sim == nil {
		return
	}
	m := regexp.MustCompile(`api_url\s*=\s*"([^"]+)"`).FindStringSubmatch(env.provider)
	if m == nil {
		c.t.Fatalf("no api_url in %s", env.provider)
	}
	for k, v := range map[string]string{EnvClientID: testClientID, EnvClientSecret: testClientSecret, EnvAPIURL: m[1], EnvAuthURL: m[1]} {
		c.t.Setenv(k, v)
	}
}

// inventoryFor is how drift-check lists objects with this CLI and
// provider: terraform query where both have list resources (Terraform
// 1.14+), the plural data sources otherwise.
func (c *cli) inventoryFor() string {
	c.t.Helper()
	out, code := c.run("version", "-json")
	var v struct {
		Version string `json:"terraform_version"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil {
		c.t.Fatalf("terraform version -json: exit %d\n%s", code, out)
	}
	first, _ := c.run("version")
	have, err := version.NewVersion(v.Version)
	if err != nil {
		c.t.Fatal(err)
	}
	_, lists := New("test")().(provider.ProviderWithListResources)
	if strings.HasPrefix(first, "Terraform v") && !have.LessThan(version.Must(version.NewVersion("1.14.0"))) && lists {
		return "query"
	}
	return "data-sources"
}

// Drift that matters: what was added by hand to an organization managed
// from configuration. A person invited, access to an app granted and an
// API credential created through the API (as in the Dashboard): the check
// exits 2 and names exactly those three, by name, the invitation marked
// pending and, from the versions, who changed the membership; an exclusive
// role assignment revokes the grant (named in the plan first), another
// state holding the credential makes it managed, and importing the person
// leaves nothing to report. On Terraform 1.14+ with list resources the
// objects are listed with terraform query, and the plural data sources give
// the same answer; on older CLIs the data sources are the way.
func TestAccDriftCheckUnmanaged(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("the drift-check script reads Terraform's JSON with jq, which is not installed")
	}
	env := newTestEnv(t)
	env.needSim("creates an organization, which the real API cannot delete")
	c := newCLI(t)
	c.useEnvironmentCredentials(env)
	main, err := os.ReadFile(filepath.Join("..", "..", "examples", "drift-check", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	c.write("main.tf", string(main))
	c.must("init", "-input=false", "-no-color")
	c.must("apply", "-input=false", "-no-color", "-auto-approve")
	state := c.state()
	org := state["clprovisioning_organization.brand"]
	inventory := c.inventoryFor()
	t.Logf("CLI lists objects with %s", inventory)

	out, report, code := c.driftCheck(nil, ".")
	if code != 0 || !strings.Contains(out, "no drift") || report.Status != "clean" || len(report.Unmanaged) != 0 {
		t.Fatalf("right after apply: exit %d, report %+v\n%s", code, report, out)
	}
	if report.Inventory != inventory || !slices.Equal(report.Organizations, []string{org}) {
		t.Errorf("listed with %q in %v, want %q in [%s]", report.Inventory, report.Organizations, inventory, org)
	}

	// By hand, as in the Dashboard.
	ctx := context.Background()
	readOnly := fmt.Sprint(c.stateAttribute("clprovisioning_organization.brand", "read_only_role_id"))
	create := func(typ string, attrs map[string]any, rels map[string]jsonapi.Relationship) string {
		t.Helper()
		if typ != "permissions" { // a permission's organization is its role's
			rels["organization"] = jsonapi.ToOne("organizations", org)
		}
		r, err := env.client.Create(ctx, &jsonapi.Resource{Type: typ, Attributes: attrs, Relationships: rels})
		if err != nil {
			t.Fatalf("creating %s by hand: %v", typ, err)
		}
		return r.ID
	}
	ada := create("memberships", map[string]any{"user_email": "ada@bluebrand.example"},
		map[string]jsonapi.Relationship{"role": jsonapi.ToOne("roles", readOnly)})
	if _, err := env.client.Update(ctx, &jsonapi.Resource{Type: "memberships", ID: ada,
		Attributes: map[string]any{"access_scope": "all_access"}}); err != nil {
		t.Fatal(err)
	}
	grant := create("application_memberships", map[string]any{}, map[string]jsonapi.Relationship{
		"api_credential": jsonapi.ToOne("api_credentials", state["clprovisioning_api_credential.orders"]),
		"role":           jsonapi.ToOne("roles", state["clprovisioning_role.fulfilment"]),
		"membership":     jsonapi.ToOne("memberships", ada),
	})
	cred := create("api_credentials", map[string]any{"name": "Hand-made integration", "kind": "integration"},
		map[string]jsonapi.Relationship{"role": jsonapi.ToOne("roles", readOnly)})
	versions, err := env.client.List(ctx, "versions", provisioning.Query{Filters: map[string]string{"resource_id_eq": ada}})
	if err != nil || len(versions) == 0 {
		t.Fatalf("the versions of the membership changed by hand: %v (%d)", err, len(versions))
	}
	who, _ := versions[0].Attr("who")
	app, _ := who.(map[string]any)["application"].(map[string]any)

	out, report, code = c.driftCheck(nil, ".")
	t.Logf("drift-check with three objects made by hand:\n%s", out)
	if code != 2 || report.Status != "unmanaged" || report.Drift {
		t.Errorf("exit %d, status %q, drift %t; want 2, unmanaged, no drift of managed objects", code, report.Status, report.Drift)
	}
	want := map[string]string{ada: "ada@bluebrand.example", grant: "Orders: ada@bluebrand.example", cred: "Hand-made integration"}
	got := map[string]string{}
	for _, u := range report.Unmanaged {
		got[u.ID] = u.Name
		if u.OrganizationID != org || u.Organization != "The Blue Brand" {
			t.Errorf("%s %s: organization %q (%s)", u.Type, u.Name, u.Organization, u.OrganizationID)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("unmanaged objects %v, want exactly %v", got, want)
	}
	for _, u := range report.Unmanaged {
		if u.ID == ada && (u.Pending == nil || !*u.Pending || !strings.Contains(u.MadeBy, fmt.Sprint(app["id"]))) {
			t.Errorf("the invitation: pending %v, made by %q; want pending, by application %v", u.Pending, u.MadeBy, app["id"])
		}
	}
	for _, s := range []string{"UNMANAGED: 3 objects", `Organization "The Blue Brand"`, "Memberships", "ada@bluebrand.example (pending invitation; role read_only)",
		"API credentials", "Hand-made integration", "Application memberships", "Orders: ada@bluebrand.example", "role Fulfilment",
		fmt.Sprintf("application %v", app["id"])} {
		if !strings.Contains(out, s) {
			t.Errorf("the text report lacks %q", s)
		}
	}
	if inventory == "query" {
		// The fallback finds the same.
		_, fallback, fallbackCode := c.driftCheck([]string{"DRIFT_INVENTORY=data-sources"}, ".")
		a, _ := json.Marshal(fallback.Unmanaged)
		b, _ := json.Marshal(report.Unmanaged)
		if fallbackCode != 2 || fallback.Inventory != "data-sources" || string(a) != string(b) {
			t.Errorf("with the data sources: exit %d, inventory %q\n%s\nwith terraform query:\n%s", fallbackCode, fallback.Inventory, a, b)
		}
	}
	jsonOut, _, code := c.driftCheck(nil, "-json", ".")
	t.Logf("drift-check -json:\n%s", jsonOut)
	var printed driftReport
	if code != 2 || json.Unmarshal([]byte(jsonOut), &printed) != nil || len(printed.Unmanaged) != 3 {
		t.Errorf("-json: exit %d, not the report:\n%s", code, jsonOut)
	}

	// Exclusive: the plan names the hand-made grant, apply revokes it, the
	// next plan is empty.
	c.write("main.tf", strings.Replace(string(main), "exclusive         = false", "exclusive         = true", 1))
	planOut, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=test.tfplan")
	if code != 2 || !regexp.MustCompile(`(?s)will be revoked.*ada@bluebrand\.example \(`+ada+`\)`).MatchString(planOut) {
		t.Errorf("exclusive plan: exit %d, want the grant of ada@bluebrand.example named\n%s", code, planOut)
	}
	c.must("apply", "-input=false", "-no-color", "test.tfplan")
	if env.object("application_memberships", grant) != nil {
		t.Errorf("the hand-made grant %s is still there", grant)
	}
	if p, planCode := c.plan(); planCode != 0 {
		t.Errorf("plan after the revocation: exit %d, changes %v", planCode, changes(p))
	}

	// The credential belongs to another configuration: with its state
	// given, it is managed.
	other := newCLI(t)
	other.useEnvironmentCredentials(env)
	other.write("main.tf", fmt.Sprintf(`
terraform {
  required_providers {
    clprovisioning = { source = "clprovisioning/clprovisioning" }
  }
}
import {
  to = clprovisioning_api_credential.integration
  id = %q
}
resource "clprovisioning_api_credential" "integration" {
  organization_id = %q
  name            = "Hand-made integration"
  kind            = "integration"
  role_id         = %q
}
`, cred, org, readOnly))
	other.must("init", "-input=false", "-no-color")
	other.must("apply", "-input=false", "-no-color", "-auto-approve")
	out, report, code = c.driftCheck(nil, "-state", other.dir, ".")
	if code != 2 || len(report.Unmanaged) != 1 || report.Unmanaged[0].ID != ada {
		t.Errorf("with the other state: exit %d, unmanaged %+v; want only ada\n%s", code, report.Unmanaged, out)
	}

	// The person imported: nothing left to report.
	c.write("ada.tf", fmt.Sprintf(`
import {
  to = clprovisioning_membership.ada
  id = %q
}
resource "clprovisioning_membership" "ada" {
  organization_id = clprovisioning_organization.brand.id
  user_email      = "ada@bluebrand.example"
  role_id         = clprovisioning_organization.brand.read_only_role_id
  access_scope    = "all_access"
}
`, ada))
	c.must("apply", "-input=false", "-no-color", "-auto-approve")
	out, report, code = c.driftCheck(nil, "-state", other.dir, ".")
	if code != 0 || report.Status != "clean" || !strings.Contains(out, "no drift") {
		t.Errorf("after import: exit %d, %+v\n%s", code, report, out)
	}

	// One of every other type, by hand: each named as a person knows it,
	// who created the role from its versions.
	profile := create("membership_profiles", map[string]any{"name": "Warehouse", "access_scope": "live_access"}, map[string]jsonapi.Relationship{})
	role := create("roles", map[string]any{"name": "Auditors"}, map[string]jsonapi.Relationship{})
	permission := create("permissions", map[string]any{"subject": "skus", "can_create": false, "can_read": true, "can_update": true, "can_destroy": false},
		map[string]jsonapi.Relationship{"role": jsonapi.ToOne("roles", state["clprovisioning_role.fulfilment"])})
	idp, err := env.client.Create(ctx, &jsonapi.Resource{Type: "identity_providers", Attributes: map[string]any{
		"name": "bluebrand-sso", "client_id": "sso-client", "client_secret": "sso-secret", "issuer": "https://sso.bluebrand.example",
		"domains": "bluebrand.example", "token_url": "https://sso.bluebrand.example/token",
		"authorize_url": "https://sso.bluebrand.example/authorize", "jwks_url": "https://sso.bluebrand.example/jwks",
	}})
	if err != nil {
		t.Fatalf("creating an identity provider by hand: %v", err)
	}
	out, report, code = c.driftCheck(nil, "-state", other.dir, ".")
	t.Logf("drift-check with one object of every other type made by hand:\n%s", out)
	want = map[string]string{profile: "Warehouse", role: "Auditors", permission: "Fulfilment: skus", idp.ID: "bluebrand-sso"}
	got = map[string]string{}
	for _, u := range report.Unmanaged {
		got[u.ID] = u.Name
		switch u.ID {
		case role:
			if !strings.Contains(u.MadeBy, fmt.Sprintf("created by application %v", app["id"])) {
				t.Errorf("the role: made by %q", u.MadeBy)
			}
		case permission:
			if u.Detail != "can read, update" {
				t.Errorf("the permission: %q", u.Detail)
			}
		case idp.ID:
			if u.OrganizationID != "" {
				t.Errorf("the identity provider is tied to organization %s", u.OrganizationID)
			}
		}
	}
	if code != 2 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("exit %d, unmanaged %v; want exactly %v", code, got, want)
	}
	for _, s := range []string{"Membership profiles", "Roles", "Permissions", "Identity providers", "Not tied to an organization"} {
		if !strings.Contains(out, s) {
			t.Errorf("the text report lacks %q", s)
		}
	}
	for typ, id := range map[string]string{"membership_profiles": profile, "permissions": permission, "roles": role, "identity_providers": idp.ID} {
		env.remove(typ, id)
	}
	if out, _, code := c.driftCheck(nil, "-state", other.dir, "."); code != 0 {
		t.Errorf("after removing them: exit %d\n%s", code, out)
	}
	other.must("destroy", "-input=false", "-no-color", "-auto-approve")
}
