package provider

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// The provider's schemas must be valid for Terraform: the framework checks
// them when Terraform asks, so ask.
func TestProviderSchemasAreValid(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("%s: %s: %s", d.Severity, d.Summary, d.Detail)
	}
	for name, s := range resp.ResourceSchemas {
		for _, a := range s.Block.Attributes {
			if strings.TrimSpace(a.Description) == "" {
				t.Errorf("resource %s: attribute %s has no description", name, a.Name)
			}
		}
	}
}

// Every resource has an example and an import script; every data source an example.
func TestExamplesExistForEveryType(t *testing.T) {
	server, _ := providerserver.NewProtocol6WithError(New("test")())()
	resp, _ := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	for name := range resp.ResourceSchemas {
		for _, f := range []string{"resource.tf", "import.sh"} {
			p := filepath.Join("..", "..", "examples", "resources", name, f)
			if _, err := os.Stat(p); err != nil {
				t.Errorf("resource %s: missing %s", name, p)
			}
		}
	}
	for name := range resp.DataSourceSchemas {
		p := filepath.Join("..", "..", "examples", "data-sources", name, "data-source.tf")
		if _, err := os.Stat(p); err != nil {
			t.Errorf("data source %s: missing %s", name, p)
		}
	}
}

func TestCredentialsProblem(t *testing.T) {
	cases := []struct {
		cfg  provisioning.Config
		want string
	}{
		{provisioning.Config{ClientID: "a", ClientSecret: "b"}, ""},
		{provisioning.Config{AccessToken: "t"}, ""},
		{provisioning.Config{ClientID: "a"}, "client_id is set but client_secret is not"},
		{provisioning.Config{ClientSecret: "b"}, "client_secret is set but client_id is not"},
		{provisioning.Config{}, "No credentials were given"},
	}
	for _, c := range cases {
		got := credentialsProblem(c.cfg)
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("credentialsProblem(%+v) = %q, want it to contain %q", c.cfg, got, c.want)
		}
		if c.want != "" && !strings.Contains(got, EnvClientID) {
			t.Errorf("the message should name the environment variables: %q", got)
		}
	}
}

// Provider configuration errors reach the user at plan time, with nothing
// secret in them.
func TestAccProviderConfiguration(t *testing.T) {
	t.Setenv(EnvClientID, "")
	t.Setenv(EnvClientSecret, "")
	t.Setenv(EnvAccessToken, "")
	cfg := func(provider string) string {
		return provider + `
data "clprovisioning_organizations" "all" {}
`
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"clprovisioning": providerserver.NewProtocol6WithError(New("test")()),
		},
		Steps: []resource.TestStep{
			{
				Config:      cfg(`provider "clprovisioning" {}`),
				ExpectError: regexp.MustCompile(`No credentials were given`),
			},
			{
				Config:      cfg(`provider "clprovisioning" { client_id = "only-id" }`),
				ExpectError: regexp.MustCompile(`client_id is set but client_secret is not`),
			},
			{
				Config: cfg(`provider "clprovisioning" {
  client_id     = "id"
  client_secret = "super-secret-value"
  api_url       = "http://provisioning.example.com"
}`),
				ExpectError: regexp.MustCompile(`(?s)Invalid provider configuration.*http`),
			},
		},
	})
}

// Data sources describe their attributes without what only writing means.
func TestReadOnlyDescription(t *testing.T) {
	for in, want := range map[string]string{
		"The object's ID. Import with this ID.":            "The object's ID.",
		"The organization. Changing it replaces the role.": "The organization.",
		"Any external identifier. Removing it clears it.":  "Any external identifier.",
		"The role's name.": "The role's name.",
		"Whether it may. Defaults to `false`. Read from the API.": "Whether it may. Read from the API.",
	} {
		if got := readOnlyDescription(in); got != want {
			t.Errorf("readOnlyDescription(%q) = %q, want %q", in, got, want)
		}
	}
}
