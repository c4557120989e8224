// Package cos stands in for Terraform's "cos" state backend, a nested module
// that the module proxy does not serve at Terraform's release tag (see
// ../../README.md): Terraform calls only New, which returns a backend that
// errors on every use.
package cos

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/unavailable"
)

// New returns the stand-in backend.
func New() backend.Backend { return unavailable.New("cos") }
