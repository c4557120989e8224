package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

var (
	tofuOnce   sync.Once
	tofu       bool
	cliVersion *version.Version
)

// openTofu tells whether the acceptance tests run on OpenTofu (which
// reports itself to tfversion as Terraform of the same version).
func openTofu() bool {
	tofuOnce.Do(func() {
		cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
		if cli == "" {
			return
		}
		cmd := exec.Command(cli, "version", "-json")
		cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+os.DevNull)
		out, _ := cmd.Output()
		var v struct {
			Version string `json:"terraform_version"`
		}
		if json.Unmarshal(out, &v) == nil {
			cliVersion, _ = version.NewVersion(v.Version)
		}
		cmd = exec.Command(cli, "version")
		cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+os.DevNull)
		out, _ = cmd.Output()
		tofu = strings.HasPrefix(string(out), "OpenTofu")
	})
	return tofu
}

// ephemeralPlanned tells whether the CLI lists ephemeral resources as planned
// changes after an apply: OpenTofu 1.11 does (in the plan and the refresh
// plan); OpenTofu 1.12 and Terraform do not.
func ephemeralPlanned() bool {
	return openTofu() && cliVersion != nil && cliVersion.LessThan(version.Must(version.NewVersion("1.12.0")))
}

// skipBelowCLI skips a test before it builds anything when the CLI of the
// acceptance tests is older than oldest (OpenTofu counts as Terraform of its
// own version, as tfversion does); why names the feature.
func skipBelowCLI(t *testing.T, oldest, why string) {
	t.Helper()
	openTofu()
	if os.Getenv("TF_ACC") == "" || cliVersion == nil {
		return // the test case skips or fails by itself
	}
	if cliVersion.LessThan(version.Must(version.NewVersion(oldest))) {
		t.Skipf("%s need Terraform %s or later; the CLI is %s", why, oldest, cliVersion)
	}
}

// An ephemeral API credential gives the secret to what needs it (here the
// echo test provider) while the credential resource, with
// store_client_secret = false, keeps none in the state; turning storing on
// and off again reads the credential back and writes nothing.
func TestAccAPICredentialEphemeral(t *testing.T) {
	env := newTestEnv(t)
	const addr = "clprovisioning_api_credential.erp"
	var id string
	config := func(store string) string {
		return env.config(`
resource "clprovisioning_organization" "org" { name = "Ephemeral Org" }

resource "clprovisioning_api_credential" "erp" {
  organization_id = clprovisioning_organization.org.id
  name            = "ERP sync"
  kind            = "integration"
  role_id         = clprovisioning_organization.org.admin_role_id
  %s
}

ephemeral "clprovisioning_api_credential" "erp" {
  id = clprovisioning_api_credential.erp.id
}

provider "echo" {
  data = ephemeral.clprovisioning_api_credential.erp
}

resource "echo" "test" {}
`, store)
	}
	secretOf := func(id *string) string {
		if obj := env.object("api_credentials", *id); obj != nil {
			return obj.String("client_secret")
		}
		return ""
	}
	// noSecretInState: no clprovisioning object of the state holds the secret.
	noSecretInState := func(s *terraform.State) error {
		secret := secretOf(&id)
		if secret == "" {
			return fmt.Errorf("the credential has no secret to look for")
		}
		for name, r := range s.RootModule().Resources {
			if !strings.HasPrefix(name, "clprovisioning_") {
				continue
			}
			for k, v := range r.Primary.Attributes {
				if v == secret {
					return fmt.Errorf("%s.%s holds the client secret", name, k)
				}
			}
		}
		return nil
	}
	env.test(resource.TestCase{
		// Ephemeral resources: Terraform 1.10 and later.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"echo": echoprovider.NewProviderServer(),
		},
		Steps: []resource.TestStep{
			{
				Config: config("store_client_secret = false"),
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
					resource.TestCheckResourceAttr(addr, "store_client_secret", "false"),
					resource.TestCheckNoResourceAttr(addr, "client_secret"),
					resource.TestCheckResourceAttrSet(addr, "client_id"),
					resource.TestCheckResourceAttrPair("echo.test", "data.client_id", addr, "client_id"),
					resource.TestCheckResourceAttrPair("echo.test", "data.id", addr, "id"),
					resource.TestCheckResourceAttr("echo.test", "data.kind", "integration"),
					resource.TestCheckResourceAttrWith("echo.test", "data.client_secret", func(v string) error {
						if want := secretOf(&id); v == "" || v != want {
							return fmt.Errorf("ephemeral client_secret %q, want the credential's %q", v, want)
						}
						return nil
					}),
					noSecretInState,
				),
				ExpectNonEmptyPlan: ephemeralPlanned(),
			},
			{
				Config: config("store_client_secret = true"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith(addr, "client_secret", func(v string) error {
						if want := secretOf(&id); v != want {
							return fmt.Errorf("client_secret %q in the state, want %q", v, want)
						}
						return nil
					}),
					env.requests(map[string]int{
						"PATCH /api/api_credentials*": 0,
						"POST /api/api_credentials*":  0,
					}),
				),
				ExpectNonEmptyPlan: ephemeralPlanned(),
			},
			{
				Config: config(""), // the default: stored
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "store_client_secret", "true"),
					resource.TestCheckResourceAttrSet(addr, "client_secret"),
				),
				ExpectNonEmptyPlan: ephemeralPlanned(),
			},
			{
				Config: config("store_client_secret = false"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(addr, "client_secret"),
					noSecretInState,
					env.requests(map[string]int{"PATCH /api/api_credentials*": 0}),
				),
				ExpectNonEmptyPlan: ephemeralPlanned(),
			},
			{
				// An import reads no secret: it records store_client_secret =
				// false, as this configuration has it.
				ResourceName: addr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"client_secret", "store_client_secret"},
			},
		},
	})
}

// Opening the ephemeral resource is one GET of the credential: a plan
// opens it once.
func TestAccAPICredentialEphemeralOneRead(t *testing.T) {
	c := newCLI(t)
	c.requireTerraform("1.10.0", "ephemeral resources")
	env := newTestEnv(t)
	h := newHandMade(t, env, "Ephemeral Brand")
	c.write("main.tf", env.config(`
ephemeral "clprovisioning_api_credential" "erp" {
  id = %q
}
`, h.integration))
	c.must("init", "-input=false", "-no-color")
	env.resetLog()
	out := c.must("plan", "-input=false", "-no-color")
	if calls := env.apiCalls(); len(calls) != 1 || calls[0] != "GET /api/api_credentials/"+h.integration {
		t.Errorf("API calls %q, want exactly [GET /api/api_credentials/%s]\n%s", calls, h.integration, out)
	}
	if secret := env.object("api_credentials", h.integration).String("client_secret"); strings.Contains(out, secret) {
		t.Errorf("the plan output shows the secret:\n%s", out)
	}
}
