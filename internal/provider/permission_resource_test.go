package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccPermission(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("creates a custom role and permissions, which the API cannot delete")
	const addr = "clprovisioning_permission.test"
	var id, ordersID string
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	perm := func(subject, rights string) string {
		return env.config(`
resource "clprovisioning_organization" "org" { name = "Perm Org" }
resource "clprovisioning_role" "role" {
  organization_id = clprovisioning_organization.org.id
  name            = "Warehouse"
}
resource "clprovisioning_permission" "test" {
  role_id = clprovisioning_role.role.id
  subject = %q
  %s
}
`, subject, rights)
	}
	env.test(resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			// Destroy revokes every right of the permission it managed.
			return allRevoked(env, id)
		},
		Steps: []resource.TestStep{
			{
				Config:            perm("orders", `can_read = true`),
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id), capture(addr, "id", &ordersID),
					resource.TestCheckResourceAttr(addr, "can_read", "true"),
					resource.TestCheckResourceAttr(addr, "can_create", "false"),
					resource.TestCheckResourceAttrPair(addr, "organization_id", "clprovisioning_organization.org", "id"),
					resource.TestCheckResourceAttrPair(addr, "role_id", "clprovisioning_role.role", "id"),
					env.requests(map[string]int{
						"POST /api/permissions*": 1,
						"GET /api/permissions*":  0,
					}),
				),
			},
			{
				// can_read removed: back to its default, false, remotely too.
				Config: perm("orders", `can_create = true`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "can_create", "true"),
					resource.TestCheckResourceAttr(addr, "can_read", "false"),
					env.remote("permissions", &id, "can_read", false),
					env.remote("permissions", &id, "can_create", true),
					env.requests(map[string]int{"PATCH /api/permissions*": 1}),
				),
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
			// A plan with an import block must be a no-op: the imported state
			// matches the configuration.
			{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{
				PreConfig: func() { env.change("permissions", id, map[string]any{"can_destroy": true}) },
				Config:    perm("orders", `can_create = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: env.remote("permissions", &id, "can_destroy", false),
			},
			{
				PreConfig: func() { env.remove("permissions", id) },
				SkipFunc:  env.withoutSim,
				Config:    perm("orders", `can_create = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &ordersID),
				),
			},
			{
				// A new subject replaces the permission: the old one is revoked.
				Config: perm("skus", `can_read = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
					func(*terraform.State) error { return allRevoked(env, ordersID) },
				),
			},
			{
				// Back to orders: the revoked leftover is adopted, not duplicated.
				Config: perm("orders", `can_update = true`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith(addr, "id", func(v string) error {
						if v != ordersID {
							return fmt.Errorf("expected the revoked permission %s to be adopted, got %s", ordersID, v)
						}
						return nil
					}),
					capture(addr, "id", &id),
					resource.TestCheckResourceAttr(addr, "can_update", "true"),
				),
			},
		},
	})
}

func allRevoked(env *testEnv, id string) error {
	obj := env.object("permissions", id)
	if obj == nil {
		return fmt.Errorf("permission %s is gone; expected it revoked, not deleted", id)
	}
	for _, r := range rights {
		if obj.Bool(r) {
			return fmt.Errorf("permission %s still has %s", id, r)
		}
	}
	return nil
}

func TestAccPermissionDataSources(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("creates a custom role and permissions, which the API cannot delete")
	env.test(resource.TestCase{
		Steps: []resource.TestStep{{
			Config: env.config(`
resource "clprovisioning_organization" "org" { name = "Perm DS Org" }
resource "clprovisioning_role" "role" {
  organization_id = clprovisioning_organization.org.id
  name            = "Catalog"
}
resource "clprovisioning_permission" "skus" {
  role_id  = clprovisioning_role.role.id
  subject  = "skus"
  can_read = true
}
resource "clprovisioning_permission" "prices" {
  role_id    = clprovisioning_role.role.id
  subject    = "prices"
  can_update = true
}
data "clprovisioning_permission" "skus" {
  role_id    = clprovisioning_role.role.id
  subject    = "skus"
  depends_on = [clprovisioning_permission.skus]
}
data "clprovisioning_permissions" "role" {
  role_id    = clprovisioning_role.role.id
  depends_on = [clprovisioning_permission.skus, clprovisioning_permission.prices]
}
data "clprovisioning_permissions" "org" {
  organization_id = clprovisioning_organization.org.id
  depends_on      = [clprovisioning_permission.skus, clprovisioning_permission.prices]
}
`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPair("data.clprovisioning_permission.skus", "id", "clprovisioning_permission.skus", "id"),
				resource.TestCheckResourceAttr("data.clprovisioning_permission.skus", "can_read", "true"),
				resource.TestCheckResourceAttr("data.clprovisioning_permissions.role", "items.#", "2"),
				resource.TestCheckResourceAttr("data.clprovisioning_permissions.org", "items.#", "2"),
			),
		}},
	})
}
