package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccAPICredentialDataSources(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("needs a second organization")
	const setting = apiCredentialOrgs + `
resource "clprovisioning_api_credential" "erp" {
  organization_id = clprovisioning_organization.org.id
  name            = "ERP sync"
  kind            = "integration"
  role_id         = data.clprovisioning_role.admin.id
  mode            = "live"
}
resource "clprovisioning_api_credential" "shop" {
  organization_id = clprovisioning_organization.org.id
  name            = "Storefront"
  kind            = "sales_channel"
}
resource "clprovisioning_api_credential" "other_shop" {
  organization_id = clprovisioning_organization.other.id
  name            = "Storefront"
  kind            = "sales_channel"
}
`
	const ds = "data.clprovisioning_api_credential."
	const list = "data.clprovisioning_api_credentials."
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{Config: env.config("%s", setting)},
			{
				Config: env.config("%s", setting+`
data "clprovisioning_api_credential" "by_id" { id = clprovisioning_api_credential.erp.id }
data "clprovisioning_api_credential" "by_name" {
  organization_id = clprovisioning_organization.org.id
  name            = "Storefront"
}
data "clprovisioning_api_credentials" "org" { organization_id = clprovisioning_organization.org.id }
data "clprovisioning_api_credentials" "integrations" {
  organization_id = clprovisioning_organization.org.id
  kind            = "integration"
}
data "clprovisioning_api_credentials" "admin_role" { role_id = data.clprovisioning_role.admin.id }
data "clprovisioning_api_credentials" "live" {
  organization_id = clprovisioning_organization.org.id
  mode            = "live"
}
data "clprovisioning_api_credentials" "storefronts" { name = "Storefront" }
data "clprovisioning_api_credentials" "none" { name = "No such app" }
`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(ds+"by_id", "name", "ERP sync"),
					resource.TestCheckResourceAttr(ds+"by_id", "kind", "integration"),
					resource.TestCheckResourceAttrPair(ds+"by_id", "client_secret", "clprovisioning_api_credential.erp", "client_secret"),
					resource.TestCheckResourceAttrPair(ds+"by_id", "role_id", "data.clprovisioning_role.admin", "id"),
					resource.TestCheckResourceAttr(ds+"by_id", "expires_in", "7200"),
					resource.TestCheckResourceAttrPair(ds+"by_name", "id", "clprovisioning_api_credential.shop", "id"),
					resource.TestCheckResourceAttr(ds+"by_name", "confidential", "false"),
					// The two "resources" credentials of the organization, and ours.
					resource.TestCheckResourceAttr(list+"org", "items.#", "4"),
					resource.TestCheckResourceAttr(list+"integrations", "items.#", "1"),
					resource.TestCheckResourceAttrPair(list+"integrations", "items.0.id", "clprovisioning_api_credential.erp", "id"),
					// The two "resources" credentials, made with the admin role
					// (as the docs say), and ours.
					resource.TestCheckResourceAttr(list+"admin_role", "items.#", "3"),
					resource.TestCheckTypeSetElemAttrPair(list+"admin_role", "items.*.id", "clprovisioning_api_credential.erp", "id"),
					resource.TestCheckTypeSetElemNestedAttrs(list+"admin_role", "items.*", map[string]string{"kind": "resources", "mode": "live"}),
					resource.TestCheckTypeSetElemNestedAttrs(list+"admin_role", "items.*", map[string]string{"kind": "resources", "mode": "test"}),
					// The live "resources" credential, and ours.
					resource.TestCheckResourceAttr(list+"live", "items.#", "2"),
					resource.TestCheckResourceAttr(list+"storefronts", "items.#", "2"),
					resource.TestCheckResourceAttr(list+"none", "items.#", "0"),
				),
			},
			{
				Config: env.config("%s", setting+`
data "clprovisioning_api_credential" "none" {
  organization_id = clprovisioning_organization.org.id
  name            = "No such app"
}
`),
				ExpectError: regexp.MustCompile(`No API credential found with organization_id = "\w+" and name\s+=\s+"No\s+such\s+app"`),
			},
			{
				Config: env.config("%s", setting+`
data "clprovisioning_api_credential" "two" { name = "Storefront" }
`),
				ExpectError: regexp.MustCompile(`2 objects match name\s+=\s+"Storefront"`),
			},
			{
				Config: env.config("%s", setting+`
data "clprovisioning_api_credential" "nothing" {}
`),
				ExpectError: regexp.MustCompile(`Set id, or at least one of:\s+organization_id,\s+name`),
			},
		},
	})
}
