package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// identityProviderOwner makes the signed-in user an organization owner,
// which identity providers need; the provider depends on it.
const identityProviderOwner = `
resource "clprovisioning_organization" "owned" { name = "IdP Org" }
`

// identityProvider is an identity provider configuration with the given
// secret and domains, and extra arguments.
func identityProvider(env *testEnv, secret, domains, extra string) string {
	return identityProviderWith(env, map[string]string{"client_secret": `"` + secret + `"`, "domains": domains}, extra)
}

// identityProviderWith is an identity provider configuration with some of
// the required arguments overridden (HCL expressions; "" leaves one out).
func identityProviderWith(env *testEnv, args map[string]string, extra string) string {
	required := []struct{ name, value string }{
		{"name", `"acme-sso"`},
		{"client_id", `"acme-client"`},
		{"client_secret", `"secret"`},
		{"issuer", `"https://sso.acme.example/"`},
		{"domains", `["acme.example"]`},
		{"token_url", `"https://sso.acme.example/token"`},
		{"authorize_url", `"https://sso.acme.example/authorize"`},
		{"jwks_url", `"https://sso.acme.example/jwks"`},
	}
	var b strings.Builder
	for _, r := range required {
		v := r.value
		if o, ok := args[r.name]; ok {
			v = o
		}
		if v != "" { // "" leaves the argument out
			fmt.Fprintf(&b, "  %s = %s\n", r.name, v)
		}
	}
	return env.config("%s", identityProviderOwner+`
resource "clprovisioning_identity_provider" "test" {
`+b.String()+`  depends_on = [clprovisioning_organization.owned]
  `+extra+`
}
`)
}

func TestAccIdentityProvider(t *testing.T) {
	env := newTestEnv(t)
	const addr = "clprovisioning_identity_provider.test"
	var id string
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	sameTXT := statecheck.CompareValue(compare.ValuesSame())
	full := identityProvider(env, "secret-one-1111", `["b.acme.example", "a.acme.example"]`,
		`organization = "org_76gsfs5gd"
  reference    = "idp-1"`)
	// Disabled, another secret and domain, organization and reference removed.
	disabled := identityProvider(env, "secret-two-2222", `["a.acme.example", "c.acme.example"]`, `enabled = false`)
	enabled := identityProvider(env, "secret-two-2222", `["a.acme.example", "c.acme.example"]`, ``)
	env.test(resource.TestCase{
		CheckDestroy: env.deleted("identity_providers", &id),
		Steps: []resource.TestStep{
			{
				Config: full,
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(addr, tfjsonpath.New("id")),
					sameTXT.AddStateValue(addr, tfjsonpath.New("txt_record")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
					resource.TestCheckResourceAttr(addr, "enabled", "true"),
					resource.TestCheckResourceAttr(addr, "status", "pending"),
					resource.TestCheckResourceAttr(addr, "client_secret", "secret-one-1111"),
					resource.TestCheckNoResourceAttr(addr, "disabled_at"),
					resource.TestCheckResourceAttrWith(addr, "txt_record", prefixed("cl-verification=")),
					resource.TestCheckResourceAttrSet(addr, "user_id"),
					resource.TestCheckTypeSetElemAttr(addr, "domains.*", "a.acme.example"),
					resource.TestCheckTypeSetElemAttr(addr, "domains.*", "b.acme.example"),
					// One comma-separated string, in a stable order.
					env.remote("identity_providers", &id, "domains", "a.acme.example,b.acme.example"),
					env.remote("identity_providers", &id, "organization", "org_76gsfs5gd"),
					env.remote("identity_providers", &id, "disabled_at", nil),
					// Create is one POST, and no GET of the new object.
					env.requests(map[string]int{
						"POST /api/identity_providers*": 1,
						"GET /api/identity_providers*":  0,
					}),
				),
			},
			{
				Config: disabled,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					// Known in the plan: the creator never changes.
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("user_id"), knownvalue.NotNull()),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "enabled", "false"),
					resource.TestCheckResourceAttrSet(addr, "disabled_at"),
					resource.TestCheckResourceAttr(addr, "client_secret", "secret-two-2222"),
					resource.TestCheckNoResourceAttr(addr, "organization"),
					resource.TestCheckNoResourceAttr(addr, "reference"),
					env.remote("identity_providers", &id, "domains", "a.acme.example,c.acme.example"),
					env.remote("identity_providers", &id, "organization", nil),
					env.remote("identity_providers", &id, "reference", nil),
					remoteSet(env, "identity_providers", &id, "disabled_at"),
					remoteSecretEndsWith(env, &id, "2222"),
					// Refresh is one GET; the update one PATCH.
					env.requests(map[string]int{
						"PATCH /api/identity_providers*": 1,
						"GET /api/identity_providers*":   1,
					}),
				),
			},
			{
				ResourceName: addr, ImportState: true, ImportStateVerify: true,
				// An import never reads the secret into the state.
				ImportStateVerifyIgnore: []string{"client_secret"},
			},
			{Config: disabled, PlanOnly: true},
			{
				// Domains in another order: the same set.
				PreConfig: func() {
					env.change("identity_providers", id, map[string]any{"domains": "c.acme.example,a.acme.example"})
				},
				Config:   disabled,
				PlanOnly: true,
			},
			{
				// Enabled in the Dashboard: the plan disables it again.
				SkipFunc:  env.withoutSim, // the API enables through a trigger, not disabled_at
				PreConfig: func() { env.change("identity_providers", id, map[string]any{"disabled_at": nil}) },
				Config:    disabled,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
				}},
				Check: remoteSet(env, "identity_providers", &id, "disabled_at"),
			},
			{
				// The secret changed in the Dashboard: its masked value no
				// longer matches, so the plan sends the configured one again.
				PreConfig: func() {
					env.change("identity_providers", id, map[string]any{"client_secret": "changed-by-hand-9999"})
				},
				Config: disabled,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					remoteSecretEndsWith(env, &id, "2222"),
					resource.TestCheckResourceAttr(addr, "client_secret", "secret-two-2222"),
				),
			},
			{
				// enabled removed: back to its default, true.
				Config: enabled,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameTXT.AddStateValue(addr, tfjsonpath.New("txt_record"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "enabled", "true"),
					resource.TestCheckNoResourceAttr(addr, "disabled_at"),
					env.remote("identity_providers", &id, "disabled_at", nil),
					env.requests(map[string]int{"PATCH /api/identity_providers*": 1}),
				),
			},
			{
				// Deleted behind Terraform's back: the plan creates it again.
				PreConfig: func() { env.remove("identity_providers", id) },
				Config:    enabled,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(addr, tfjsonpath.New("id"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
				),
			},
		},
	})
}

// The secret can be given write-only: sent, never stored, re-sent when its
// version changes. Write-only arguments need Terraform 1.11.
func TestAccIdentityProviderWriteOnlySecret(t *testing.T) {
	env := newTestEnv(t)
	const addr = "clprovisioning_identity_provider.test"
	var id string
	wo := func(secret string, version int, extra string) string {
		return identityProviderWith(env, map[string]string{"client_secret": ""},
			fmt.Sprintf("client_secret_wo = %q\n  client_secret_wo_version = %d\n  %s", secret, version, extra))
	}
	env.test(resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config: wo("wo-secret-1111", 1, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
					resource.TestCheckNoResourceAttr(addr, "client_secret"),
					resource.TestCheckNoResourceAttr(addr, "client_secret_wo"),
					resource.TestCheckResourceAttr(addr, "client_secret_wo_version", "1"),
					remoteSecretEndsWith(env, &id, "1111"),
					env.requests(map[string]int{"POST /api/identity_providers*": 1}),
				),
			},
			{
				// A new value alone is not a change: nothing to send.
				Config:   wo("wo-secret-2222", 1, ""),
				PlanOnly: true,
			},
			{
				Config: wo("wo-secret-2222", 2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(addr, "client_secret"),
					remoteSecretEndsWith(env, &id, "2222"),
					env.requests(map[string]int{"PATCH /api/identity_providers*": 1}),
				),
			},
			{
				// Other changes do not send the secret again.
				PreConfig: func() {
					env.change("identity_providers", id, map[string]any{"client_secret": "changed-by-hand-9999"})
				},
				Config: wo("wo-secret-2222", 2, `organization = "org_1"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					env.remote("identity_providers", &id, "organization", "org_1"),
					remoteSecretEndsWith(env, &id, "9999"),
				),
			},
			{
				ResourceName: addr, ImportState: true, ImportStateVerify: true,
				// The secret is masked by the API; the version is Terraform's own.
				ImportStateVerifyIgnore: []string{"client_secret", "client_secret_wo_version"},
			},
			{
				// From write-only to a stored secret.
				Config: identityProvider(env, "plain-secret-3333", `["acme.example"]`, `organization = "org_1"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "client_secret", "plain-secret-3333"),
					resource.TestCheckNoResourceAttr(addr, "client_secret_wo_version"),
					remoteSecretEndsWith(env, &id, "3333"),
				),
			},
			{
				// And back.
				Config: wo("wo-secret-4444", 1, `organization = "org_1"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(addr, "client_secret"),
					remoteSecretEndsWith(env, &id, "4444"),
				),
			},
		},
	})
}

func TestAccIdentityProviderWriteOnlySecretValidation(t *testing.T) {
	env := newTestEnv(t)
	env.test(resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config: identityProviderWith(env, map[string]string{"client_secret": `"s"`},
					"client_secret_wo = \"w\"\n  client_secret_wo_version = 1"),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*client_secret.*client_secret_wo`),
			},
			{
				Config: identityProviderWith(env, map[string]string{"client_secret": ""}, ""),
				// Neither: only an existing (imported) identity provider may leave its secret out.
				ExpectError: regexp.MustCompile(`(?s)Missing client secret.*Creating an identity provider needs its client secret`),
			},
			{
				Config:      identityProviderWith(env, map[string]string{"client_secret": ""}, `client_secret_wo = "w"`),
				ExpectError: regexp.MustCompile(`(?s)Attribute "client_secret_wo_version" must be specified when\s+"client_secret_wo"\s+is specified`),
			},
			{
				Config:      identityProviderWith(env, nil, `client_secret_wo_version = 1`),
				ExpectError: regexp.MustCompile(`(?s)Attribute "client_secret_wo" must be specified when\s+"client_secret_wo_version"\s+is specified`),
			},
		},
	})
}

// A new identity provider can be created disabled: _disable goes with the POST.
func TestAccIdentityProviderCreatedDisabled(t *testing.T) {
	env := newTestEnv(t)
	const addr = "clprovisioning_identity_provider.test"
	var id string
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: identityProvider(env, "s3cr3t-abcd", `["acme.example"]`, `enabled = false`),
				Check: resource.ComposeAggregateTestCheckFunc(
					capture(addr, "id", &id),
					resource.TestCheckResourceAttr(addr, "enabled", "false"),
					resource.TestCheckResourceAttrSet(addr, "disabled_at"),
					remoteSet(env, "identity_providers", &id, "disabled_at"),
					env.requests(map[string]int{
						"POST /api/identity_providers*":  1,
						"PATCH /api/identity_providers*": 0,
					}),
				),
			},
		},
	})
}

func TestAccIdentityProviderValidation(t *testing.T) {
	env := newTestEnv(t)
	bad := func(name, value string) string { return identityProviderWith(env, map[string]string{name: value}, ``) }
	env.test(resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config:      bad("token_url", `"not a url"`),
				ExpectError: wrapped(`Attribute token_url must be an absolute https URL`),
			},
			{
				Config:      bad("jwks_url", `"ftp://acme.example/jwks"`),
				ExpectError: wrapped(`Attribute jwks_url must be an absolute https URL`),
			},
			{
				Config:      bad("authorize_url", `"/authorize"`),
				ExpectError: wrapped(`Attribute authorize_url must be an absolute https URL`),
			},
			{
				Config:      bad("issuer", `"acme"`),
				ExpectError: wrapped(`Attribute issuer must be an absolute https URL`),
			},
			{
				Config:      bad("domains", `["acme.example", "not a domain"]`),
				ExpectError: regexp.MustCompile(`Attribute domains\[Value\("not a domain"\)\] must be a lower-case domain`),
			},
			{
				Config:      bad("domains", `["a.example,b.example"]`),
				ExpectError: regexp.MustCompile(`Attribute domains\[Value\("a.example,b.example"\)\] must be a lower-case`),
			},
			{
				Config:      bad("domains", `[]`),
				ExpectError: regexp.MustCompile(`Attribute domains set must contain at least 1 elements`),
			},
			{
				Config:      bad("client_secret", `""`),
				ExpectError: regexp.MustCompile(`Attribute client_secret string length must be at least 1`),
			},
			{
				Config:      bad("name", `""`),
				ExpectError: regexp.MustCompile(`Attribute name string length must be at least 1`),
			},
		},
	})
}

// Identity providers are managed by an organization owner; the API's
// refusal reaches the user in its own words.
func TestAccIdentityProviderNotOwner(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("a fresh simulator user owns no organization")
	env.test(resource.TestCase{
		Steps: []resource.TestStep{{
			Config: env.config("%s", `
resource "clprovisioning_identity_provider" "test" {
  name          = "acme-sso"
  client_id     = "acme-client"
  client_secret = "secret"
  issuer        = "https://sso.acme.example/"
  domains       = ["acme.example"]
  token_url     = "https://sso.acme.example/token"
  authorize_url = "https://sso.acme.example/authorize"
  jwks_url      = "https://sso.acme.example/jwks"
}
`),
			ExpectError: regexp.MustCompile(`(?s)Could not create identity provider.*organization\s+owner`),
		}},
	})
}

// Identity providers need an Enterprise plan.
func TestAccIdentityProviderNotEnterprise(t *testing.T) {
	env := newTestEnv(t, func(o *simulator.Options) { o.NonEnterprise = true })
	env.needSim()
	env.test(resource.TestCase{
		Steps: []resource.TestStep{{
			Config:      identityProvider(env, "secret", `["acme.example"]`, ``),
			ExpectError: regexp.MustCompile(`(?s)Could not create identity provider.*Enterprise`),
		}},
	})
}

func prefixed(prefix string) func(string) error {
	return func(v string) error {
		if !strings.HasPrefix(v, prefix) {
			return fmt.Errorf("expected a value starting with %q, got %q", prefix, v)
		}
		return nil
	}
}

// remoteSet checks that an attribute is set remotely.
func remoteSet(env *testEnv, typ string, id *string, attr string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		obj := env.object(typ, *id)
		if obj == nil {
			return fmt.Errorf("%s %s not found", typ, *id)
		}
		if v, _ := obj.Attr(attr); v == nil {
			return fmt.Errorf("%s %s: remote %s is null, want it set", typ, *id, attr)
		}
		return nil
	}
}

// remoteSecretEndsWith checks the visible end of the identity provider's
// masked secret.
func remoteSecretEndsWith(env *testEnv, id *string, suffix string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		obj := env.object("identity_providers", *id)
		if obj == nil {
			return fmt.Errorf("identity provider %s not found", *id)
		}
		if s := obj.String("client_secret"); !strings.HasSuffix(s, suffix) {
			return fmt.Errorf("remote client_secret %q does not end with %q", s, suffix)
		}
		return nil
	}
}

func TestIdentityProviderDomains(t *testing.T) {
	for api, want := range map[string]string{
		"a.example,b.example":           `["a.example","b.example"]`,
		"b.example, a.example":          `["a.example","b.example"]`,
		" b.example ,a.example,, ":      `["a.example","b.example"]`,
		"a.example":                     `["a.example"]`,
		"":                              `null`,
		"a.example,a.example":           `["a.example"]`,
		"c.example,a.example,b.example": `["a.example","b.example","c.example"]`,
	} {
		set := tfDomains(&jsonapi.Resource{Attributes: map[string]any{"domains": api}})
		var got []string
		if !set.IsNull() {
			set.ElementsAs(context.Background(), &got, false)
			sort.Strings(got)
		}
		b, _ := json.Marshal(got)
		if string(b) != want {
			t.Errorf("tfDomains(%q) = %s, want %s", api, b, want)
		}
		if set.IsNull() {
			continue
		}
		// And back: sorted, comma-separated, no spaces.
		joined, _ := apiDomains(context.Background(), set)
		if w := strings.Join(got, ","); joined != w {
			t.Errorf("apiDomains(%v) = %v, want %q", set, joined, w)
		}
	}
}

func TestReadMaskedSecret(t *testing.T) {
	s, null := types.StringValue, types.StringNull()
	cases := []struct {
		known, api types.String
		want       types.String
	}{
		{s("secret-2222"), s("*******2222"), s("secret-2222")}, // masked, agrees: keep
		{s("secret-2222"), s("****2222"), s("secret-2222")},    // another mask length
		{s("secret-2222"), s("*******9999"), s("*******9999")}, // changed elsewhere: drift
		{s("secret-2222"), s("secret-2222"), s("secret-2222")}, // in clear
		{s("secret-2222"), s("other-9999"), s("other-9999")},   // in clear, changed
		{s("secret-2222"), null, s("secret-2222")},             // not returned at all
		{null, s("*******2222"), s("*******2222")},             // import: only the mask is known
	}
	for _, c := range cases {
		if got := readMaskedSecret(c.known, c.api); !got.Equal(c.want) {
			t.Errorf("readMaskedSecret(%v, %v) = %v, want %v", c.known, c.api, got, c.want)
		}
	}
}

// A secret changed outside Terraform, under both readings of the API: in
// clear (as the docs show it), the plan sees the change and puts the
// configured secret back, and an import reads the secret; masked, a change
// that keeps the visible last characters cannot be seen, one that does not
// is.
func TestAccIdentityProviderSecretDrift(t *testing.T) {
	const addr = "clprovisioning_identity_provider.test"
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
	}}
	t.Run("in clear", func(t *testing.T) {
		env := newTestEnv(t)
		env.needSim()
		var id string
		cfg := identityProvider(env, "secret-one-1111", `["acme.example"]`, ``)
		env.test(resource.TestCase{
			Steps: []resource.TestStep{
				{Config: cfg, Check: capture(addr, "id", &id)},
				{
					// Same last characters: only a secret in clear shows it.
					PreConfig:        func() { env.change("identity_providers", id, map[string]any{"client_secret": "by-hand-1111"}) },
					Config:           cfg,
					ConfigPlanChecks: update,
					Check: resource.ComposeAggregateTestCheckFunc(
						env.remote("identity_providers", &id, "client_secret", "secret-one-1111"),
						resource.TestCheckResourceAttr(addr, "client_secret", "secret-one-1111"),
					),
				},
				// An import never reads the secret into the state: the
				// configuration may give it write-only.
				{
					ResourceName: addr, ImportState: true, ImportStateVerify: true,
					ImportStateVerifyIgnore: []string{"client_secret"},
				},
			},
		})
	})
	t.Run("masked", func(t *testing.T) {
		env := newTestEnv(t, func(o *simulator.Options) { o.MaskSecrets = true })
		env.needSim()
		var id string
		cfg := identityProvider(env, "secret-one-1111", `["acme.example"]`, ``)
		env.test(resource.TestCase{
			Steps: []resource.TestStep{
				{Config: cfg, Check: capture(addr, "id", &id)},
				{
					// The mask still agrees with the configured secret.
					PreConfig: func() { env.change("identity_providers", id, map[string]any{"client_secret": "by-hand-1111"}) },
					Config:    cfg,
					PlanOnly:  true,
				},
				{
					PreConfig:        func() { env.change("identity_providers", id, map[string]any{"client_secret": "by-hand-9999"}) },
					Config:           cfg,
					ConfigPlanChecks: update,
					Check: resource.ComposeAggregateTestCheckFunc(
						remoteSecretEndsWith(env, &id, "1111"),
						resource.TestCheckResourceAttr(addr, "client_secret", "secret-one-1111"),
					),
				},
				{
					ResourceName: addr, ImportState: true, ImportStateVerify: true,
					// Only the mask can be read back.
					ImportStateVerifyIgnore: []string{"client_secret"},
				},
			},
		})
	})
}
