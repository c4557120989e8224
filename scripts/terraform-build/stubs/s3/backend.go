// Package s3 stands in for Terraform's "s3" state backend, a nested module
// that the module proxy does not serve at Terraform's release tag (see
// ../../README.md). It errors on every use; local state is unaffected.
package s3

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/configs/configschema"
	"github.com/hashicorp/terraform/internal/states/statemgr"
	"github.com/hashicorp/terraform/internal/tfdiags"
)

const name = "s3"

// New returns a backend that errors on every method but ConfigSchema.
func New() backend.Backend { return stub{} }

type stub struct{}

func unavailable() tfdiags.Diagnostics {
	var diags tfdiags.Diagnostics
	return diags.Append(tfdiags.Sourceless(tfdiags.Error, "Backend not available",
		"The \""+name+"\" state backend is not included in this build of Terraform (built for the provider's tests)."))
}

func (stub) ConfigSchema() *configschema.Block                          { return &configschema.Block{} }
func (stub) PrepareConfig(v cty.Value) (cty.Value, tfdiags.Diagnostics) { return v, unavailable() }
func (stub) Configure(cty.Value) tfdiags.Diagnostics                    { return unavailable() }
func (stub) StateMgr(string) (statemgr.Full, tfdiags.Diagnostics)       { return nil, unavailable() }
func (stub) DeleteWorkspace(string, bool) tfdiags.Diagnostics           { return unavailable() }
func (stub) Workspaces() ([]string, tfdiags.Diagnostics)                { return nil, unavailable() }
