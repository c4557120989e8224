// Package unavailable is the one body of the stand-ins for Terraform's
// remote-state backends that the module proxy does not serve at Terraform's
// release tag (see ../../README.md): a backend that errors on every use.
// Local state is unaffected.
package unavailable

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/configs/configschema"
	"github.com/hashicorp/terraform/internal/states/statemgr"
	"github.com/hashicorp/terraform/internal/tfdiags"
)

// New returns a backend named name that errors on every method but
// ConfigSchema.
func New(name string) backend.Backend { return stub{name} }

type stub struct{ name string }

func (s stub) unavailable() tfdiags.Diagnostics {
	var diags tfdiags.Diagnostics
	return diags.Append(tfdiags.Sourceless(tfdiags.Error, "Backend not available",
		"The \""+s.name+"\" state backend is not included in this build of Terraform (built for the provider's tests)."))
}

func (stub) ConfigSchema() *configschema.Block                            { return &configschema.Block{} }
func (s stub) PrepareConfig(v cty.Value) (cty.Value, tfdiags.Diagnostics) { return v, s.unavailable() }
func (s stub) Configure(cty.Value) tfdiags.Diagnostics                    { return s.unavailable() }
func (s stub) StateMgr(string) (statemgr.Full, tfdiags.Diagnostics)       { return nil, s.unavailable() }
func (s stub) DeleteWorkspace(string, bool) tfdiags.Diagnostics           { return s.unavailable() }
func (s stub) Workspaces() ([]string, tfdiags.Diagnostics)                { return nil, s.unavailable() }
