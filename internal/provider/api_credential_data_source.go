package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// NewAPICredentialDataSource finds one API credential by id, or in an
// organization by name.
func NewAPICredentialDataSource() datasource.DataSource {
	return &objectDataSource[apiCredentialModel]{
		entity: apiCredentialEntity,
		keys:   []string{"organization_id", "name"},
		description: "Looks up one API credential by `id`, or by `name` (usually together with `organization_id`). " +
			"Its `client_secret` is sensitive.",
		find: func(_ context.Context, m *apiCredentialModel) (lookup, diag.Diagnostics) {
			return findBy(m.ID, "api_credentials", []keyFilter{
				{"organization_id", m.OrganizationID, "organization_id_eq"},
				{"name", m.Name, "name_eq"},
			})
		},
	}
}

type apiCredentialsModel struct {
	OrganizationID types.String `tfsdk:"organization_id"`
	RoleID         types.String `tfsdk:"role_id"`
	Kind           types.String `tfsdk:"kind"`
	Mode           types.String `tfsdk:"mode"`
	Name           types.String `tfsdk:"name"`
	Items          types.List   `tfsdk:"items"`
}

// NewAPICredentialsDataSource lists API credentials.
func NewAPICredentialsDataSource() datasource.DataSource {
	return &listDataSource[apiCredentialModel, apiCredentialsModel]{
		entity:      apiCredentialEntity,
		name:        "api_credentials",
		description: "Lists API credentials, optionally narrowed by organization, role, kind, mode or name.",
		args: map[string]dschema.Attribute{
			"organization_id": filterArgument("Only credentials of this organization."),
			"role_id":         filterArgument("Only credentials with this role."),
			"kind":            filterArgument("Only credentials of this kind, e.g. `integration` or `sales_channel`."),
			"mode":            filterArgument("Only credentials of this mode: `test` or `live`."),
			"name":            filterArgument("Only credentials with exactly this name."),
		},
		query: func(_ context.Context, f *apiCredentialsModel) (string, provisioning.Query, diag.Diagnostics) {
			return "api_credentials", provisioning.Query{Filters: filters(
				"organization_id_eq", f.OrganizationID, "role_id_eq", f.RoleID,
				"kind_eq", f.Kind, "mode_eq", f.Mode, "name_eq", f.Name,
			)}, nil
		},
		items: func(f *apiCredentialsModel) *types.List { return &f.Items },
	}
}
