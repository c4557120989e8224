package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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

// NewAPICredentialsDataSource lists API credentials.
func NewAPICredentialsDataSource() datasource.DataSource {
	return &listDataSource[apiCredentialModel]{
		entity:      apiCredentialEntity,
		name:        "api_credentials",
		description: "Lists API credentials, optionally narrowed by organization, role, kind, mode or name.",
		args: []listArg{
			{"organization_id", "organization_id_eq", "Only credentials of this organization."},
			{"role_id", "role_id_eq", "Only credentials with this role."},
			{"kind", "kind_eq", "Only credentials of this kind, e.g. `integration` or `sales_channel`."},
			{"mode", "mode_eq", "Only credentials of this mode: `test` or `live`."},
			{"name", "name_eq", "Only credentials with exactly this name."},
		},
	}
}
