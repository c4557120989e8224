package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Each action, invoked with `terraform apply -invoke`, makes one API call,
// reports its progress, and explains the API's refusals.
func TestAccActionsInvoke(t *testing.T) {
	c := newCLI(t)
	c.requireTerraform("1.14.0", "actions and -invoke")
	env := newTestEnv(t)
	h := newHandMade(t, env, "Action Brand")
	c.write("main.tf", env.config(`
action "clprovisioning_membership_resend_invitation" "pending" {
  config {
    membership_id = %[1]q
  }
}

action "clprovisioning_membership_resend_invitation" "active" {
  config {
    membership_id = %[2]q
  }
}

action "clprovisioning_organization_transfer_ownership" "to_stranger" {
  config {
    organization_id = %[3]q
    new_owner_email = "stranger@example.com"
  }
}

action "clprovisioning_organization_transfer_ownership" "to_member" {
  config {
    organization_id = %[3]q
    new_owner_email = %[4]q
  }
}

action "clprovisioning_role_add_missing_base_permissions" "fulfilment" {
  config {
    role_id = %[5]q
  }
}
`, h.pending, h.active, h.org, handMadeActiveEmail, h.customRole))
	c.must("init", "-input=false", "-no-color")

	invoke := func(action string, wantCode int, wantCall string, wantOutput ...string) {
		t.Helper()
		env.resetLog()
		out, code := c.run("apply", "-input=false", "-no-color", "-auto-approve", "-invoke=action."+action)
		if code != wantCode {
			t.Fatalf("invoking %s: exit %d, want %d\n%s", action, code, wantCode, out)
		}
		for _, w := range wantOutput {
			if !regexp.MustCompile(w).MatchString(out) {
				t.Errorf("invoking %s: output lacks %q\n%s", action, w, out)
			}
		}
		if calls := env.apiCalls(); len(calls) != 1 || calls[0] != wantCall {
			t.Errorf("invoking %s: API calls %q, want exactly [%s]", action, calls, wantCall)
		}
	}

	invoke("clprovisioning_membership_resend_invitation.pending", 0, "POST /api/memberships/"+h.pending+"/resend",
		words("Re-sending the invitation of membership "+h.pending+"..."), words("Invitation of membership "+h.pending+" re-sent."))
	invoke("clprovisioning_membership_resend_invitation.active", 1, "POST /api/memberships/"+h.active+"/resend",
		// Terraform 1.14 and 1.15 sum the error up as "Error when invoking action"; 1.16 gives the action's own summary.
		`Error:\s+(Error\s+when\s+invoking\s+action|`+words("Re-sending the invitation of membership "+h.active+" failed")+`)`,
		words("Re-sending the invitation of membership "+h.active+" failed: Only a pending membership has an "+
			"invitation to re-send: membership "+h.active+" is already active"),
		words("the membership is already active (HTTP 422"))
	invoke("clprovisioning_organization_transfer_ownership.to_stranger", 1, "PATCH /api/organizations/"+h.org+"/transfer_ownership",
		words("Transferring the ownership of organization "+h.org+" to stranger@example.com failed: The new owner "+
			"must already be a member of organization "+h.org),
		words("must be the email of a member of the organization (HTTP 422"))
	invoke("clprovisioning_role_add_missing_base_permissions.fulfilment", 0, "PATCH /api/roles/"+h.customRole,
		words("Adding the missing base permissions to role "+h.customRole+"..."),
		words("Role Fulfilment ("+h.customRole+"): missing base permissions added."))
	invoke("clprovisioning_organization_transfer_ownership.to_member", 0, "PATCH /api/organizations/"+h.org+"/transfer_ownership",
		words("Organization "+h.org+" now belongs to "+handMadeActiveEmail+"."))
	if owner := env.object("memberships", h.active); owner == nil || !owner.Bool("owner") {
		t.Errorf("after the transfer, %s does not own the organization: %v", handMadeActiveEmail, owner)
	}
	if former := env.object("memberships", h.owner); former == nil || former.Bool("owner") {
		t.Errorf("after the transfer, %s still owns the organization", h.ownerEmail)
	}
	if t.Failed() {
		return
	}
	// Invoking an action changes no state: the plan stays empty.
	if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after the actions: exit %d\n%s", code, out)
	}
}

// words is a regular expression matching a phrase however the CLI wraps it.
func words(phrase string) string {
	parts := strings.Fields(phrase)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return strings.Join(parts, `\s+`)
}

// Actions run from a resource's lifecycle: the invitation is re-sent when
// the membership changes, a new role gets its base permissions; one call
// each, and nothing when the trigger's event does not happen.
func TestAccActionsTriggered(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("creates a custom role, which the API cannot delete")
	const addr = "clprovisioning_membership.ada"
	var membership, role string
	config := func(reference string) string {
		return env.config(`
resource "clprovisioning_organization" "org" { name = "Trigger Org" }

resource "clprovisioning_membership" "ada" {
  organization_id = clprovisioning_organization.org.id
  user_email      = "ada@trigger.example"
  role_id         = clprovisioning_organization.org.read_only_role_id
  reference       = %[1]q

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.clprovisioning_membership_resend_invitation.ada]
    }
  }
}

action "clprovisioning_membership_resend_invitation" "ada" {
  config {
    membership_id = %[2]s.id
  }
}

resource "clprovisioning_role" "fulfilment" {
  organization_id = clprovisioning_organization.org.id
  name            = "Fulfilment"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.clprovisioning_role_add_missing_base_permissions.fulfilment]
    }
  }
}

action "clprovisioning_role_add_missing_base_permissions" "fulfilment" {
  config {
    role_id = %[3]s.id
  }
}
`, reference, callerRef("clprovisioning_membership.ada"), callerRef("clprovisioning_role.fulfilment"))
	}
	env.test(resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{
				Config: config("v1"),
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &membership),
					capture("clprovisioning_role.fulfilment", "id", &role),
					// Created: the role's trigger ran once, the membership's did not.
					env.requests(map[string]int{
						"POST /api/memberships/*/resend": 0,
						"PATCH /api/roles*":              1,
					}),
					func(*terraform.State) error {
						for _, c := range env.apiCalls() {
							if strings.HasPrefix(c, "PATCH /api/roles") && c != "PATCH /api/roles/"+role {
								return fmt.Errorf("unexpected %s", c)
							}
						}
						return nil
					},
				),
			},
			{
				Config: config("v2"),
				Check: resource.ComposeAggregateTestCheckFunc(
					// Updated: one PATCH of the membership, then one resend.
					env.requests(map[string]int{
						"PATCH /api/memberships*":        1,
						"POST /api/memberships/*/resend": 1,
						"PATCH /api/roles*":              0,
					}),
				),
			},
		},
	})
}
