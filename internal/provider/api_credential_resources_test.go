package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// A `resources` credential (two come with every organization) can be
// imported and managed, but destroying it is refused: it stops being
// managed with a `removed` block, and stays in Commerce Layer.
func TestAccAPICredentialResourcesKept(t *testing.T) {
	env := newTestEnv(t)
	h := newHandMade(t, env, "Kept Brand")
	id := h.resources[0]
	obj := env.object("api_credentials", id)
	role := "null"
	if r := obj.Rel("role").ID(); r != "" {
		role = fmt.Sprintf("%q", r)
	}
	managed := env.config(`
import {
  to = clprovisioning_api_credential.resources
  id = %q
}

resource "clprovisioning_api_credential" "resources" {
  organization_id = %q
  name            = %q
  kind            = "resources"
  mode            = %q
  role_id         = %s
}
`, id, h.org, obj.String("name"), obj.String("mode"), role)
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: managed,
				Check:  resource.TestCheckResourceAttr("clprovisioning_api_credential.resources", "kind", "resources"),
			},
			{
				Config: managed, Destroy: true,
				ExpectError: regexp.MustCompile(`(?s)Cannot destroy a resources API credential.*removed.*block`),
			},
			{
				Config: env.config(`
removed {
  from = clprovisioning_api_credential.resources
  lifecycle {
    destroy = false
  }
}
`),
				Check: func(*terraform.State) error {
					if env.object("api_credentials", id) == nil {
						return fmt.Errorf("the resources credential %s was deleted", id)
					}
					return nil
				},
			},
		},
	})
}
