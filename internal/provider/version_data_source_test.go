package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccVersionDataSources(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("creates and renames a custom role, which the API cannot delete")
	roles := func(name string) string {
		return `
resource "clprovisioning_organization" "org" { name = "Versions Org" }
resource "clprovisioning_role" "auditors" {
  organization_id = clprovisioning_organization.org.id
  name            = "` + name + `"
}
`
	}
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{Config: env.config("%s", roles("Auditors"))},
		{Config: env.config("%s", roles("Internal auditors"))},
		{
			Config: env.config("%s", roles("Internal auditors")+`
data "clprovisioning_versions" "role" {
  resource_type = "roles"
  resource_id   = clprovisioning_role.auditors.id
}
data "clprovisioning_versions" "renames" {
  resource_type = "roles"
  resource_id   = clprovisioning_role.auditors.id
  event         = "update"
}
data "clprovisioning_versions" "future" {
  resource_id   = clprovisioning_role.auditors.id
  created_after = "2100-01-01T00:00:00Z"
}
data "clprovisioning_version" "rename" { id = data.clprovisioning_versions.renames.items[0].id }
output "rename" { value = jsondecode(data.clprovisioning_version.rename.changes).name }
`),
			Check: resource.ComposeAggregateTestCheckFunc(
				// created, then renamed
				resource.TestCheckResourceAttr("data.clprovisioning_versions.role", "items.#", "2"),
				resource.TestCheckResourceAttr("data.clprovisioning_versions.renames", "items.#", "1"),
				resource.TestCheckResourceAttr("data.clprovisioning_versions.future", "items.#", "0"),
				resource.TestCheckResourceAttr("data.clprovisioning_version.rename", "event", "update"),
				resource.TestCheckResourceAttr("data.clprovisioning_version.rename", "resource_type", "roles"),
				resource.TestCheckResourceAttrPair("data.clprovisioning_version.rename", "resource_id", "clprovisioning_role.auditors", "id"),
				resource.TestCheckResourceAttrWith("data.clprovisioning_version.rename", "changes", func(v string) error {
					var changes map[string][]string
					if err := json.Unmarshal([]byte(v), &changes); err != nil {
						return err
					}
					if got := changes["name"]; len(got) != 2 || got[0] != "Auditors" || got[1] != "Internal auditors" {
						return fmt.Errorf("changes.name = %v, want [Auditors, Internal auditors]", got)
					}
					return nil
				}),
			),
		},
		{
			Config:      env.config(`data "clprovisioning_version" "none" { id = "missing" }`),
			ExpectError: regexp.MustCompile(`Could not read version`),
		},
	}})
}
