package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// NewRoleDataSource finds one role: by id, or in an organization by kind
// (the built-in admin / read_only roles) or by name.
func NewRoleDataSource() datasource.DataSource {
	return &objectDataSource[roleModel]{
		entity: roleEntity,
		keys:   []string{"organization_id", "kind", "name"},
		description: "Looks up one role by `id`, or within `organization_id` by `kind` (`admin` and `read_only` " +
			"find the built-in roles) or by `name` (custom roles).",
		find: func(_ context.Context, m *roleModel) (lookup, diag.Diagnostics) {
			return findBy(m.ID, "roles", []keyFilter{
				{"organization_id", m.OrganizationID, "organization_id_eq"},
				{"kind", m.Kind, "kind_eq"},
				{"name", m.Name, "name_eq"},
			})
		},
	}
}

type rolesModel struct {
	OrganizationID types.String `tfsdk:"organization_id"`
	Kind           types.String `tfsdk:"kind"`
	Name           types.String `tfsdk:"name"`
	Items          types.List   `tfsdk:"items"`
}

// NewRolesDataSource lists roles.
func NewRolesDataSource() datasource.DataSource {
	return &listDataSource[roleModel, rolesModel]{
		entity:      roleEntity,
		name:        "roles",
		description: "Lists roles, optionally only those of one organization, of one kind or with one name.",
		args: map[string]dschema.Attribute{
			"organization_id": filterArgument("Only roles of this organization."),
			"kind":            filterArgument("Only roles of this kind: `admin`, `read_only` or `custom`."),
			"name":            filterArgument("Only roles with exactly this name."),
		},
		query: func(_ context.Context, f *rolesModel) (string, provisioning.Query, diag.Diagnostics) {
			return "roles", provisioning.Query{Filters: filters(
				"organization_id_eq", f.OrganizationID, "kind_eq", f.Kind, "name_eq", f.Name,
			)}, nil
		},
		items: func(f *rolesModel) *types.List { return &f.Items },
	}
}
