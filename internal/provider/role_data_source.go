package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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

// NewRolesDataSource lists roles.
func NewRolesDataSource() datasource.DataSource {
	return &listDataSource[roleModel]{
		entity:      roleEntity,
		name:        "roles",
		description: "Lists roles, optionally only those of one organization, of one kind or with one name.",
		args: []listArg{
			{"organization_id", "organization_id_eq", "Only roles of this organization."},
			{"kind", "kind_eq", "Only roles of this kind: `admin`, `read_only` or `custom`."},
			{"name", "name_eq", "Only roles with exactly this name."},
		},
	}
}
