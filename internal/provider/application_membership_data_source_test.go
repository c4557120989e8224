package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccApplicationMembershipDataSources(t *testing.T) {
	env := newTestEnv(t)
	const setting = applicationMembershipSetting + `
resource "clprovisioning_application_membership" "ada" {
  organization_id   = clprovisioning_organization.org.id
  api_credential_id = clprovisioning_api_credential.orders.id
  membership_id     = clprovisioning_membership.ada.id
  role_id           = data.clprovisioning_role.read_only.id
  filters           = { market_id_in = [202, 203], status_eq = "placed" }
}
resource "clprovisioning_application_membership" "warehouse" {
  organization_id       = clprovisioning_organization.org.id
  api_credential_id     = clprovisioning_api_credential.orders.id
  membership_profile_id = clprovisioning_membership_profile.warehouse.id
  role_id               = data.clprovisioning_role.admin.id
}
`
	const ds = "data.clprovisioning_application_membership."
	const list = "data.clprovisioning_application_memberships."
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{Config: env.config("%s", setting)},
			{
				Config: env.config("%s", setting+`
data "clprovisioning_application_membership" "by_id" { id = clprovisioning_application_membership.ada.id }
data "clprovisioning_application_membership" "by_membership" {
  api_credential_id = clprovisioning_api_credential.orders.id
  membership_id     = clprovisioning_membership.ada.id
}
data "clprovisioning_application_membership" "by_profile" {
  api_credential_id     = clprovisioning_api_credential.orders.id
  membership_profile_id = clprovisioning_membership_profile.warehouse.id
}
data "clprovisioning_application_memberships" "org" { organization_id = clprovisioning_organization.org.id }
data "clprovisioning_application_memberships" "app" { api_credential_id = clprovisioning_api_credential.orders.id }
data "clprovisioning_application_memberships" "read_only" { role_id = data.clprovisioning_role.read_only.id }
data "clprovisioning_application_memberships" "ada" { membership_id = clprovisioning_membership.ada.id }
data "clprovisioning_application_memberships" "support" {
  membership_profile_id = clprovisioning_membership_profile.support.id
}
output "ada_filters" { value = data.clprovisioning_application_memberships.ada.items[0].filters }
`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair(ds+"by_id", "membership_id", "clprovisioning_membership.ada", "id"),
					resource.TestCheckResourceAttr(ds+"by_id", "filters.market_id_in.#", "2"),
					resource.TestCheckResourceAttr(ds+"by_id", "filters.status_eq", "placed"),
					resource.TestCheckResourceAttrPair(ds+"by_membership", "id", "clprovisioning_application_membership.ada", "id"),
					resource.TestCheckResourceAttrPair(ds+"by_profile", "id", "clprovisioning_application_membership.warehouse", "id"),
					resource.TestCheckResourceAttrPair(ds+"by_profile", "role_id", "data.clprovisioning_role.admin", "id"),
					resource.TestCheckNoResourceAttr(ds+"by_profile", "filters"),
					resource.TestCheckResourceAttr(list+"org", "items.#", "2"),
					resource.TestCheckResourceAttr(list+"app", "items.#", "2"),
					resource.TestCheckResourceAttr(list+"read_only", "items.#", "1"),
					resource.TestCheckResourceAttrPair(list+"read_only", "items.0.id", "clprovisioning_application_membership.ada", "id"),
					resource.TestCheckResourceAttr(list+"ada", "items.#", "1"),
					resource.TestCheckResourceAttr(list+"support", "items.#", "0"),
					// In the items of a list, filters are JSON text.
					resource.TestCheckOutput("ada_filters", `{"market_id_in":[202,203],"status_eq":"placed"}`),
				),
			},
			{
				Config: env.config("%s", setting+`
data "clprovisioning_application_membership" "none" {
  api_credential_id     = clprovisioning_api_credential.orders.id
  membership_profile_id = clprovisioning_membership_profile.support.id
}
`),
				ExpectError: regexp.MustCompile(`No application membership found with api_credential_id = "\w+"\s+and\s+membership_profile_id = "\w+"`),
			},
			{
				Config: env.config("%s", setting+`
data "clprovisioning_application_membership" "two" {
  api_credential_id = clprovisioning_api_credential.orders.id
}
`),
				ExpectError: regexp.MustCompile(`2 objects match api_credential_id = "\w+"`),
			},
		},
	})
}
