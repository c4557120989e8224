package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// NewIdentityProviderDataSource finds one identity provider by id or name.
func NewIdentityProviderDataSource() datasource.DataSource {
	return &objectDataSource[identityProviderModel]{
		entity: identityProviderDataEntity,
		keys:   []string{"name"},
		description: "Looks up one identity provider by `id` or by `name`. Its `client_secret` is the masked value the " +
			"API returns.",
		find: func(_ context.Context, m *identityProviderModel) (lookup, diag.Diagnostics) {
			return findBy(m.ID, "identity_providers", []keyFilter{{"name", m.Name, "name_eq"}})
		},
	}
}

type identityProvidersModel struct {
	Name   types.String `tfsdk:"name"`
	Status types.String `tfsdk:"status"`
	Items  types.List   `tfsdk:"items"`
}

// NewIdentityProvidersDataSource lists identity providers.
func NewIdentityProvidersDataSource() datasource.DataSource {
	return &listDataSource[identityProviderModel, identityProvidersModel]{
		entity:      identityProviderDataEntity,
		name:        "identity_providers",
		description: "Lists identity providers, optionally only the one with a name or those with a verification status.",
		args: map[string]dschema.Attribute{
			"name":   filterArgument("Only the identity provider with exactly this name."),
			"status": filterArgument("Only identity providers with this status: `pending`, `verified` or `error`."),
		},
		query: func(_ context.Context, f *identityProvidersModel) (string, provisioning.Query, diag.Diagnostics) {
			return "identity_providers", provisioning.Query{Filters: filters("name_eq", f.Name, "status_eq", f.Status)}, nil
		},
		items: func(f *identityProvidersModel) *types.List { return &f.Items },
	}
}
