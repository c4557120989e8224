package provider

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The examples of list resources, actions and ephemeral resources are run
// too, each on the CLI versions that have the feature.

// exampleID is the organization ID the list-resource examples show; the
// test runs them on an organization made by hand, "The Blue Brand".
const exampleID = "xYZkjABcde"

var (
	listBlock   = regexp.MustCompile(`(?m)^list "([a-z_]+)" "([a-z_]+)"`)
	actionBlock = regexp.MustCompile(`(?m)^action "([a-z_]+)" "([a-z_]+)"`)
)

func examples(t *testing.T, pattern string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", pattern))
	if len(files) == 0 {
		t.Fatalf("no examples match examples/%s", pattern)
	}
	return files
}

// Every list block of every list-resource example finds something in an
// organization like the one the examples describe.
func TestAccListResourceExamples(t *testing.T) {
	skipBelowCLI(t, "1.14.0", "list resources and terraform query")
	env := newTestEnv(t)
	h := newHandMade(t, env, "The Blue Brand")
	steps := []resource.TestStep{{Config: env.config("")}}
	for _, f := range examples(t, "list-resources/*/list-resource*.tfquery.hcl") {
		example := strings.ReplaceAll(readFile(t, f), exampleID, h.org)
		var checks []querycheck.QueryResultCheck
		for _, m := range listBlock.FindAllStringSubmatch(example, -1) {
			checks = append(checks, querycheck.ExpectLengthAtLeast(m[1]+"."+m[2], 1))
		}
		if len(checks) == 0 {
			t.Fatalf("%s has no list block", f)
		}
		steps = append(steps, resource.TestStep{Query: true, Config: example, QueryResultChecks: checks})
	}
	env.test(resource.TestCase{
		TerraformVersionChecks: skipBelowQuery,
		Steps:                  steps,
	})
}

// Every action example applies, and each of its actions, invoked, makes
// one API call (with -refresh=false: otherwise -invoke first reads the
// objects the action's configuration refers to).
func TestAccActionExamples(t *testing.T) {
	for _, f := range examples(t, "actions/*/action*.tf") {
		example := readFile(t, f)
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			c := newCLI(t)
			if strings.Contains(example, "on_failure") || strings.Contains(example, "caller.") {
				c.requireTerraform("1.16.0", "on_failure and caller in actions")
			}
			c.requireTerraform("1.14.0", "actions")
			env := newTestEnv(t)
			env.needSim("the examples create organizations")
			// The people of the examples have accounts: their memberships
			// are active at once (an organization goes to an active member).
			env.sim.AddKnownUser("grace@bluebrand.example", "Grace", "Hopper")
			c.write("main.tf", env.provider+example)
			c.must("init", "-input=false", "-no-color")
			c.must("apply", "-input=false", "-no-color", "-auto-approve")
			for _, m := range actionBlock.FindAllStringSubmatch(example, -1) {
				env.resetLog()
				out := c.must("apply", "-input=false", "-no-color", "-auto-approve", "-refresh=false", "-invoke=action."+m[1]+"."+m[2])
				if calls := env.apiCalls(); len(calls) != 1 {
					t.Errorf("invoking action.%s.%s: API calls %q, want one\n%s", m[1], m[2], calls, out)
				}
			}
		})
	}
}

// The ephemeral resource example applies; the plan after it is empty
// (OpenTofu 1.11 lists the ephemeral resource as a change).
func TestAccEphemeralResourceExamples(t *testing.T) {
	for _, f := range examples(t, "ephemeral-resources/*/ephemeral-resource*.tf") {
		example := readFile(t, f)
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			env := newTestEnv(t)
			env.test(resource.TestCase{
				TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
				Steps: []resource.TestStep{{
					Config: env.config("%s", example), ExpectNonEmptyPlan: ephemeralPlanned(),
				}},
			})
		})
	}
}
