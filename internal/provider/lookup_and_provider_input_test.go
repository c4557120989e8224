package provider

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// A singular data source given id and another lookup argument that the
// object does not have refuses the contradiction at plan, naming the
// argument, rather than returning the id's object. Arguments that agree
// (an e-mail in other case, too) pass.
func TestAccDataSourceLookupContradiction(t *testing.T) {
	env := newTestEnv(t)
	orgs := `
resource "clprovisioning_organization" "a" { name = "Lookup A" }
resource "clprovisioning_organization" "b" { name = "Lookup B" }
`
	lookup := func(ds string) string { return env.config("%s", orgs+ds) }
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{Config: lookup("")},
		{
			Config: lookup(`
data "clprovisioning_organization" "x" {
  id   = clprovisioning_organization.a.id
  slug = clprovisioning_organization.b.slug
}
`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Lookup arguments disagree.*slug.*The\s+organization\s+with\s+id\s+=\s+"[A-Za-z0-9]+"\s+has\s+slug\s+=\s+"[^"]+",\s+not\s+"[^"]+":\s+id\s+and\s+slug\s+must\s+describe\s+the\s+same\s+object`),
		},
		{
			Config: lookup(`
data "clprovisioning_role" "x" {
  id   = clprovisioning_organization.a.admin_role_id
  kind = "read_only"
}
`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Lookup arguments disagree.*kind.*has\s+kind\s+=\s+"admin",\s+not\s+"read_only"`),
		},
		{
			Config: lookup(`
data "clprovisioning_role" "x" {
  id              = clprovisioning_organization.a.admin_role_id
  organization_id = clprovisioning_organization.b.id
}
`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Lookup arguments disagree.*organization_id`),
		},
		{
			// Agreeing arguments: the object.
			Config: lookup(`
data "clprovisioning_organization" "x" {
  id   = clprovisioning_organization.a.id
  slug = clprovisioning_organization.a.slug
  name = "Lookup A"
}
data "clprovisioning_role" "x" {
  id              = clprovisioning_organization.a.admin_role_id
  organization_id = clprovisioning_organization.a.id
  kind            = "admin"
}
`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPair("data.clprovisioning_organization.x", "id", "clprovisioning_organization.a", "id"),
				resource.TestCheckResourceAttrPair("data.clprovisioning_role.x", "id", "clprovisioning_organization.a", "admin_role_id"),
			),
		},
	}})
}

// An empty or malformed api_url or auth_url, in the provider block or in
// the environment, is refused with an error naming the attribute (and the
// variable), instead of silently meaning production.
func TestAccProviderEmptyURLs(t *testing.T) {
	env := newTestEnv(t)
	env.needSim()
	// Restored when the test ends; each step sets what it needs.
	t.Setenv(EnvAPIURL, "")
	t.Setenv(EnvAuthURL, "")
	_ = os.Unsetenv(EnvAPIURL)
	_ = os.Unsetenv(EnvAuthURL)
	apiURL := regexp.MustCompile(`api_url\s*=\s*"([^"]+)"`).FindStringSubmatch(env.provider)[1]
	withEnv := func(name, value string) func() {
		return func() {
			_ = os.Unsetenv(EnvAPIURL)
			_ = os.Unsetenv(EnvAuthURL)
			if name != "" {
				t.Setenv(name, value)
			}
		}
	}
	provider := func(omit string, extra string) string {
		var lines []string
		for _, l := range strings.Split(env.provider, "\n") {
			if !strings.Contains(l, omit+" ") {
				lines = append(lines, l)
			}
		}
		p := strings.Join(lines, "\n")
		if extra != "" {
			p = strings.Replace(p, "provider \"clprovisioning\" {", "provider \"clprovisioning\" {\n  "+extra, 1)
		}
		return p + `
data "clprovisioning_user" "me" {}
`
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				PreConfig:   withEnv(EnvAPIURL, ""),
				Config:      provider("api_url", ""),
				ExpectError: regexp.MustCompile(`(?s)Invalid provider configuration.*` + EnvAPIURL + `, which sets\s+api_url, must be an absolute https URL.*it is empty. Unset it to use\s+https://provisioning.commercelayer.io`),
			},
			{
				PreConfig:   withEnv(EnvAuthURL, ""),
				Config:      provider("auth_url", ""),
				ExpectError: regexp.MustCompile(`(?s)` + EnvAuthURL + `, which sets\s+auth_url.*it is empty`),
			},
			{
				PreConfig:   withEnv(EnvAuthURL, "http://auth.example"),
				Config:      provider("auth_url", ""),
				ExpectError: regexp.MustCompile(`(?s)` + EnvAuthURL + `, which sets\s+auth_url.*plain http towards auth.example`),
			},
			{
				PreConfig:   withEnv("", ""),
				Config:      provider("api_url", `api_url = ""`),
				ExpectError: regexp.MustCompile(`(?s)Invalid provider configuration.*Attribute api_url is empty. Leave the argument out to use\s+https://provisioning.commercelayer.io`),
			},
			{
				// The variable is not read when the attribute is set.
				PreConfig: withEnv(EnvAPIURL, ""),
				Config:    provider("none", ""),
				Check:     resource.TestCheckResourceAttrSet("data.clprovisioning_user.me", "email"),
			},
			{
				// And a good variable is used.
				PreConfig: withEnv(EnvAPIURL, apiURL),
				Config:    provider("api_url", ""),
				Check:     resource.TestCheckResourceAttrSet("data.clprovisioning_user.me", "email"),
			},
		},
	})
}
