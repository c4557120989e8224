package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

func TestAccUser(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("changes the signed-in user's profile, which no sweep can restore")
	const addr = "clprovisioning_user.me"
	var id string
	user := func(body string) string {
		return env.config(`
resource "clprovisioning_user" "me" {
  %s
}
`, body)
	}
	steps := []resource.TestStep{
		{
			// Adopting the singleton is one PATCH, no POST and no GET.
			Config: user(`
  first_name = "Ada"
  time_zone  = "Europe/Rome"`),
			Check: resource.ComposeAggregateTestCheckFunc(
				capture(addr, "id", &id),
				resource.TestCheckResourceAttr(addr, "first_name", "Ada"),
				resource.TestCheckResourceAttrSet(addr, "last_name"),
				resource.TestCheckResourceAttrSet(addr, "email"),
				resource.TestCheckResourceAttr(addr, "time_zone", "Europe/Rome"),
				env.remote("users", &id, "time_zone", "Europe/Rome"),
				env.requests(map[string]int{
					"PATCH /api/user*": 1,
					"GET /api/user*":   0,
					"POST /api*":       0,
				}),
			),
		},
		{
			// Removing time_zone clears it; first_name left out stays as it is.
			Config: user(`last_name = "Lovelace"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "first_name", "Ada"),
				resource.TestCheckResourceAttr(addr, "last_name", "Lovelace"),
				resource.TestCheckNoResourceAttr(addr, "time_zone"),
				env.remote("users", &id, "time_zone", nil),
				env.requests(map[string]int{
					"PATCH /api/user*": 1,
					"GET /api/user*":   1,
				}),
			),
		},
		{ResourceName: addr, ImportState: true, ImportStateVerify: true},
		// A plan with an import block must be a no-op: the imported state
		// matches the configuration.
		{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
		{
			PreConfig: func() { env.change("users", id, map[string]any{"last_name": "Byron"}) },
			Config:    user(`last_name = "Lovelace"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
			Check: env.remote("users", &id, "last_name", "Lovelace"),
		},
		{
			Config:      user(`first_name = ""`),
			ExpectError: regexp.MustCompile(`(?s)first_name.*at least 1`),
		},
		{
			Config: env.config(`data "clprovisioning_user" "me" {}`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrWith("data.clprovisioning_user.me", "id", func(v string) error {
					if v != id {
						return fmt.Errorf("data source id %q, resource id %q", v, id)
					}
					return nil
				}),
				resource.TestCheckResourceAttr("data.clprovisioning_user.me", "last_name", "Lovelace"),
			),
		},
	}
	// Destroy forgets the user: it is still there, as last applied.
	env.test(resource.TestCase{Steps: steps, CheckDestroy: env.remote("users", &id, "last_name", "Lovelace")})
}
