package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
)

// requireTerraform skips a CLI test unless the CLI is Terraform (not
// OpenTofu) of at least oldest, saying why.
func (c *cli) requireTerraform(oldest, why string) {
	c.t.Helper()
	out, code := c.run("version", "-json")
	var v struct {
		Version string `json:"terraform_version"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil {
		c.t.Fatalf("terraform version -json: exit %d\n%s", code, out)
	}
	first, _ := c.run("version")
	if !strings.HasPrefix(first, "Terraform v") {
		c.t.Skipf("%s: needs Terraform %s or later; %s is not Terraform", why, oldest, strings.SplitN(first, "\n", 2)[0])
	}
	have, err := version.NewVersion(v.Version)
	if err != nil {
		c.t.Fatal(err)
	}
	if have.LessThan(version.Must(version.NewVersion(oldest))) {
		c.t.Skipf("%s: needs Terraform %s or later, this is %s", why, oldest, v.Version)
	}
}

// What `terraform query -generate-config-out` writes for an organization
// made by hand plans as imports only, for every type that can be listed
// (the owner's membership, the built-in roles and the resources
// credentials included), applies, and then plans no change.
func TestAccQueryGenerateConfig(t *testing.T) {
	c := newCLI(t)
	c.requireTerraform("1.14.0", "terraform query and list resources")
	env := newTestEnv(t)
	h := newHandMade(t, env, "Blue Brand")

	// As the migration guide does it: the organization's id is a variable.
	c.write("main.tf", env.provider+`
variable "organization_id" {
  type = string
}
`)
	c.write("discover.tfquery.hcl", h.listConfigFor("var.organization_id", ""))
	c.must("init", "-input=false", "-no-color")
	orgVar := "-var=organization_id=" + h.org
	out := c.must("query", "-no-color", orgVar, "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(c.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("terraform query:\n%s\ngenerated.tf:\n%s", out, generated)

	total := 0
	for _, n := range h.counts {
		total += n
	}
	planOut, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode", orgVar)
	want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", total)
	if code != 2 || !strings.Contains(planOut, want) {
		t.Fatalf("plan of the generated configuration: exit %d, want %q\n%s", code, want, planOut)
	}
	env.resetLog()
	applyOut := c.must("apply", "-input=false", "-no-color", "-auto-approve", orgVar)
	for _, r := range env.sim.Requests() {
		if r.Method != http.MethodGet && r.Path != "/oauth/token" {
			t.Errorf("importing changed something: %s %s\n%s", r.Method, r.Path, env.requestLog())
		}
	}
	if !regexp.MustCompile(fmt.Sprintf(`Apply complete! Resources: %d imported, 0 added, 0 changed, 0 destroyed`, total)).MatchString(applyOut) {
		t.Fatalf("apply:\n%s", applyOut)
	}
	if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode", orgVar); code != 0 {
		t.Fatalf("plan after the apply: exit %d, want no changes\n%s", code, out)
	}
}
