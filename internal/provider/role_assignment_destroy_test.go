package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// A destroy that fails part-way keeps in the state every grant it has not
// revoked, the failed one and those it had not come to yet, so that the
// next destroy revokes them: no grant is left behind with the access it
// gives and no state that knows of it.
func TestAccRoleAssignmentDestroyKeepsWhatItDidNotRevoke(t *testing.T) {
	env := newTestEnv(t)
	env.needSim() // injects a fault
	all := grantsConfig("Partial Revocation Org", 3, "clprovisioning_membership.person[*].id")
	withoutAssignment, _, _ := strings.Cut(all, `resource "clprovisioning_role_assignment"`)
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{Config: env.config("%s", all)},
		{
			// The first DELETE (in the order of the entity ids) is refused:
			// the other two are not tried.
			PreConfig: func() {
				env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Method: "DELETE",
					PathPrefix: "/api/application_memberships/", Status: 423, Count: 1})
			},
			Config:      env.config("%s", withoutAssignment),
			ExpectError: regexp.MustCompile(`Could not revoke the role from`),
		},
		{
			Config: env.config("%s", withoutAssignment),
			Check:  env.exactlyWhatStateKnows,
		},
	}})
}
