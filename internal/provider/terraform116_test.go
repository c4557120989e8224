package provider

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// What Terraform 1.16 adds that serves this provider's users: on_failure in
// action triggers, `lifecycle { destroy = false }` (OpenTofu has it from
// 1.12) and import blocks inside modules (module_adoption_test.go).

var skipBelow116 = []tfversion.TerraformVersionCheck{
	tfversion.SkipBelow(version.Must(version.NewVersion("1.16.0"))),
}

// An action trigger with on_failure = continue: re-sending the invitation
// of a membership that is already active is refused by the API, and the
// update that triggered it still applies, with the refusal as a warning; the
// default (halt) fails the apply with the API's words.
func TestAccActionsOnFailure(t *testing.T) {
	env := newTestEnv(t)
	env.needSim() // the person must have an account, so that the membership is active at once
	env.sim.AddKnownUser("grace@onfailure.example", "Grace", "Hopper")
	config := func(reference, onFailure string) string {
		return env.config(`
resource "clprovisioning_organization" "org" { name = "On Failure Org" }

resource "clprovisioning_membership" "grace" {
  organization_id = clprovisioning_organization.org.id
  user_email      = "grace@onfailure.example"
  role_id         = clprovisioning_organization.org.read_only_role_id
  reference       = %q

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.clprovisioning_membership_resend_invitation.grace]
      %s
    }
  }
}

action "clprovisioning_membership_resend_invitation" "grace" {
  config {
    membership_id = caller.id
  }
}
`, reference, onFailure)
	}
	const addr = "clprovisioning_membership.grace"
	env.test(resource.TestCase{
		TerraformVersionChecks: skipBelow116,
		Steps: []resource.TestStep{
			{
				Config: config("v1", "on_failure = continue"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "status", "active"),
					env.requests(map[string]int{"POST /api/memberships/*/resend": 0}),
				),
			},
			{
				// The update applies; the refused resend is one call, and a warning.
				Config: config("v2", "on_failure = continue"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "reference", "v2"),
					env.requests(map[string]int{
						"PATCH /api/memberships*":        1,
						"POST /api/memberships/*/resend": 1,
					}),
				),
			},
			{
				// Without on_failure (halt), the same refusal fails the apply.
				Config:      config("v3", ""),
				ExpectError: regexp.MustCompile(`(?s)already\s+active`),
			},
		},
	})
}

// callerRef is how an action's configuration names the resource whose
// action_trigger runs it: `caller` from Terraform 1.16 on (which refuses the
// resource's own address there as a reference cycle), the address before.
func callerRef(address string) string {
	openTofu()
	if cliVersion != nil && cliVersion.LessThan(version.Must(version.NewVersion("1.16.0"))) {
		return address
	}
	return "caller"
}

// requireCLI skips a CLI test unless the CLI is Terraform of at least
// terraform or OpenTofu of at least tofu ("" for never), saying why.
// It says whether the CLI is OpenTofu.
func (c *cli) requireCLI(terraform, tofu, why string) (isTofu bool) {
	c.t.Helper()
	first, _ := c.run("version")
	have, _ := c.run("version", "-json")
	m := regexp.MustCompile(`"terraform_version":\s*"([^"]+)"`).FindStringSubmatch(have)
	if m == nil {
		c.t.Fatalf("terraform version -json:\n%s", have)
	}
	v := version.Must(version.NewVersion(m[1]))
	name, oldest := "Terraform", terraform
	if strings.HasPrefix(first, "OpenTofu") {
		name, oldest = "OpenTofu", tofu
	}
	if oldest == "" {
		c.t.Skipf("%s: not in %s", why, name)
	}
	if v.LessThan(version.Must(version.NewVersion(oldest))) {
		c.t.Skipf("%s: needs %s %s or later, this is %s", why, name, oldest, v)
	}
	return name == "OpenTofu"
}

// The organization example with `lifecycle { destroy = false }`: destroy
// plans that the organization stays, and the provider is not asked to
// destroy it (it would forget it with a warning).
func TestAccOrganizationDestroyFalseExample(t *testing.T) {
	c := newCLI(t)
	tofu := c.requireCLI("1.16.0", "1.12.0", "lifecycle { destroy = false }")
	env := newTestEnv(t)
	env.needSim() // it creates an organization, which the real API cannot delete
	example := readFile(t, filepath.Join("..", "..", "examples", "resources", "clprovisioning_organization", "resource_destroy_false.tf"))
	c.write("main.tf", env.provider+example)
	c.must("init", "-input=false", "-no-color")
	c.must("apply", "-input=false", "-no-color", "-auto-approve")
	id := strings.TrimSpace(c.must("state", "show", "-no-color", "clprovisioning_organization.brand"))
	m := regexp.MustCompile(`(?m)^\s*id\s*=\s*"([^"]+)"`).FindStringSubmatch(id)
	if m == nil {
		t.Fatalf("no id in the state:\n%s", id)
	}

	env.resetLog()
	destroy := []string{"destroy", "-input=false", "-no-color", "-auto-approve"}
	if tofu {
		// OpenTofu ends a destroy that forgets objects with an error unless told.
		destroy = append(destroy, "-suppress-forget-errors")
	}
	out := strings.Join(strings.Fields(c.must(destroy...)), " ")
	if !strings.Contains(out, "will not be destroyed") {
		t.Errorf("destroy does not say the organization stays:\n%s", out)
	}
	if strings.Contains(out, "was not deleted") {
		t.Errorf("the provider was asked to destroy the organization:\n%s", out)
	}
	if left, _ := c.run("state", "list"); strings.TrimSpace(left) != "" {
		t.Errorf("state after destroy: %s", left)
	}
	if org := env.object("organizations", m[1]); org == nil {
		t.Errorf("organization %s is gone", m[1])
	}
	for _, r := range env.sim.Requests() {
		if r.Method != http.MethodGet && r.Path != "/oauth/token" {
			t.Errorf("destroy sent %s %s", r.Method, r.Path)
		}
	}
}
