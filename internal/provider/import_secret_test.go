package provider

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// importKeepsSecret is the import-block step of an API credential whose
// configuration keeps the secret (store_client_secret = true, the default):
// the import reads no secret, so the plan is an update in place that reads
// it (one GET, nothing sent).
func importKeepsSecret(addr string) resource.TestStep {
	return resource.TestStep{
		ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
		ExpectNonEmptyPlan: true,
		ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			plancheck.ExpectKnownValue(addr, tfjsonpath.New("store_client_secret"), knownvalue.Bool(true)),
			plancheck.ExpectUnknownValue(addr, tfjsonpath.New("client_secret")),
		}},
	}
}

// secretObjects are made directly in the API (as by hand in the Dashboard),
// for the import tests: a credential kept out of the state, one kept in
// it, and an identity provider whose secret is given write-only.
type secretObjects struct {
	org, adminRole           string
	hidden, kept, idp        string // ids
	hiddenSecret, keptSecret string
	idpSecret                string
}

func makeSecretObjects(t *testing.T, env *testEnv) secretObjects {
	t.Helper()
	ctx := context.Background()
	var o secretObjects
	org, err := env.client.Create(ctx, &jsonapi.Resource{Type: "organizations", Attributes: map[string]any{"name": "Import Secrets"}}, "roles")
	if err != nil {
		t.Fatal(err)
	}
	o.org = org.ID
	for _, r := range org.Related("roles") {
		if r.String("kind") == "admin" {
			o.adminRole = r.ID
		}
	}
	cred := func(name string) (string, string) {
		r := &jsonapi.Resource{Type: "api_credentials", Attributes: map[string]any{"name": name, "kind": "integration"}}
		r.SetRel("organization", apiRel("organizations", types.StringValue(o.org)))
		r.SetRel("role", apiRel("roles", types.StringValue(o.adminRole)))
		c, err := env.client.Create(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		secret := c.String("client_secret")
		if len(secret) < 8 {
			t.Fatalf("credential %s has no secret to look for: %q", c.ID, secret)
		}
		return c.ID, secret
	}
	o.hidden, o.hiddenSecret = cred("Hidden secret")
	o.kept, o.keptSecret = cred("Kept secret")
	o.idpSecret = "idp-write-only-secret-7a1c"
	idp, err := env.client.Create(ctx, &jsonapi.Resource{Type: "identity_providers", Attributes: map[string]any{
		"name": "import-secrets-sso", "client_id": "sso-client", "client_secret": o.idpSecret,
		"issuer": "https://sso.import.example/", "domains": "import.example",
		"token_url": "https://sso.import.example/token", "authorize_url": "https://sso.import.example/authorize",
		"jwks_url": "https://sso.import.example/jwks",
	}})
	if err != nil {
		t.Fatal(err)
	}
	o.idp = idp.ID
	return o
}

// secretConfig is the configuration of the three objects: the hidden
// credential with store_client_secret = false, the kept one by default, the
// identity provider with its secret write-only; imports adds import blocks.
func (o secretObjects) config(env *testEnv, imports bool) string {
	c := env.provider + fmt.Sprintf(`
resource "clprovisioning_api_credential" "hidden" {
  organization_id     = %[1]q
  name                = "Hidden secret"
  kind                = "integration"
  role_id             = %[2]q
  store_client_secret = false
}

resource "clprovisioning_api_credential" "kept" {
  organization_id = %[1]q
  name            = "Kept secret"
  kind            = "integration"
  role_id         = %[2]q
}

resource "clprovisioning_identity_provider" "sso" {
  name                     = "import-secrets-sso"
  client_id                = "sso-client"
  client_secret_wo         = %[3]q
  client_secret_wo_version = 1
  issuer                   = "https://sso.import.example/"
  domains                  = ["import.example"]
  token_url                = "https://sso.import.example/token"
  authorize_url            = "https://sso.import.example/authorize"
  jwks_url                 = "https://sso.import.example/jwks"
}
`, o.org, o.adminRole, o.idpSecret)
	if imports {
		c += fmt.Sprintf(`
import {
  to = clprovisioning_api_credential.hidden
  id = %q
}

import {
  to = clprovisioning_api_credential.kept
  id = %q
}

import {
  to = clprovisioning_identity_provider.sso
  id = %q
}
`, o.hidden, o.kept, o.idp)
	}
	return c
}

// fileHolds tells which of the secrets a file holds (a zip archive, such as
// a saved plan, is searched entry by entry, less the copy of the
// configuration it carries, where the test writes the write-only secret
// itself); a missing file holds none.
func fileHolds(t *testing.T, name string, secrets map[string]string) []string {
	t.Helper()
	b, err := os.ReadFile(name)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	contents := [][]byte{b}
	if zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
		contents = nil
		for _, f := range zr.File {
			if strings.HasPrefix(f.Name, "tfconfig/") {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			entry, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			contents = append(contents, entry)
		}
	}
	var found []string
	for what, secret := range secrets {
		for _, c := range contents {
			if bytes.Contains(c, []byte(secret)) {
				found = append(found, what)
				break
			}
		}
	}
	return found
}

// checkFiles fails when a file holds a secret it must not hold, or lacks
// one it must hold.
func checkFiles(t *testing.T, dir, when string, files []string, mustNot, must map[string]string) {
	t.Helper()
	for _, f := range files {
		if found := fileHolds(t, filepath.Join(dir, f), mustNot); len(found) > 0 {
			t.Errorf("%s: %s holds the secret of %s", when, f, strings.Join(found, ", "))
		}
	}
	if len(must) > 0 {
		if found := fileHolds(t, filepath.Join(dir, "terraform.tfstate"), must); len(found) != len(must) {
			t.Errorf("%s: terraform.tfstate holds %v of the secrets the configuration keeps, want all of %d", when, found, len(must))
		}
	}
}

// An import puts no secret in the state: neither `terraform import` (which
// knows nothing of the configuration) nor an import block, whose plan and
// apply then follow the configuration: the credential with
// store_client_secret = false and the identity provider whose secret is
// write-only never have their secret in the state, its backup or the saved
// plan; the credential whose configuration keeps the secret has it once
// applied.
func TestAccImportKeepsSecretsOut(t *testing.T) {
	newCLI(t).requireCLI("1.11.0", "1.11.0", "the identity provider's client_secret_wo is a write-only argument")
	env := newTestEnv(t)
	env.needSim()
	o := makeSecretObjects(t, env)
	never := map[string]string{"the hidden credential": o.hiddenSecret, "the identity provider": o.idpSecret}
	files := []string{"terraform.tfstate", "terraform.tfstate.backup"}

	t.Run("terraform import", func(t *testing.T) {
		c := newCLI(t)
		c.write("main.tf", o.config(env, false))
		c.must("init", "-input=false", "-no-color")
		c.must("import", "-input=false", "-no-color", "clprovisioning_api_credential.hidden", o.hidden)
		c.must("import", "-input=false", "-no-color", "clprovisioning_api_credential.kept", o.kept)
		c.must("import", "-input=false", "-no-color", "clprovisioning_identity_provider.sso", o.idp)
		// Before any plan, no configuration has been applied: no secret at all.
		all := map[string]string{"the kept credential": o.keptSecret}
		for k, v := range never {
			all[k] = v
		}
		checkFiles(t, c.dir, "after terraform import", files, all, nil)
		out := c.must("apply", "-input=false", "-no-color", "-auto-approve")
		checkFiles(t, c.dir, "after the apply", files, never, map[string]string{"the kept credential": o.keptSecret})
		if !strings.Contains(out, "0 added") || !strings.Contains(out, "0 destroyed") {
			t.Errorf("the apply after the import should only update in place:\n%s", out)
		}
		if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
			t.Errorf("plan after the apply: exit %d, want 0 (no changes)\n%s", code, out)
		}
	})

	t.Run("import blocks", func(t *testing.T) {
		c := newCLI(t)
		c.write("main.tf", o.config(env, true))
		c.must("init", "-input=false", "-no-color")
		c.must("plan", "-input=false", "-no-color", "-out=import.tfplan")
		checkFiles(t, c.dir, "after the plan", append(files, "import.tfplan"), never, nil)
		c.must("apply", "-input=false", "-no-color", "import.tfplan")
		checkFiles(t, c.dir, "after the apply", files, never, map[string]string{"the kept credential": o.keptSecret})
		if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
			t.Errorf("plan after the apply: exit %d, want 0 (no changes)\n%s", code, out)
		}
	})
}
