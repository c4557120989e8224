package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// NewIdentityProviderDataSource finds one identity provider by id or name.
func NewIdentityProviderDataSource() datasource.DataSource {
	return &objectDataSource[identityProviderModel]{
		entity: identityProviderDataEntity,
		keys:   []string{"name"},
		description: "Looks up one identity provider by `id` or by `name`. Its `client_secret` is the value the API " +
			"returns: in clear as the API documentation shows it, or masked should the API mask it.",
		find: func(_ context.Context, m *identityProviderModel) (lookup, diag.Diagnostics) {
			return findBy(m.ID, "identity_providers", []keyFilter{{"name", m.Name, "name_eq"}})
		},
	}
}

// NewIdentityProvidersDataSource lists identity providers.
func NewIdentityProvidersDataSource() datasource.DataSource {
	return &listDataSource[identityProviderModel]{
		entity:      identityProviderDataEntity,
		name:        "identity_providers",
		description: "Lists identity providers, optionally only the one with a name or those with a verification status.",
		args: []listArg{
			{"name", "name_eq", "Only the identity provider with exactly this name."},
			{"status", "status_eq", "Only identity providers with this status: `pending`, `verified` or `error`."},
		},
	}
}
