package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewRoleDataSource finds one role: by id, or in an organization by kind
// (the built-in admin / read_only roles) or by name.
func NewRoleDataSource() datasource.DataSource {
	return &objectDataSource[roleModel]{
		entity: roleEntity,
		description: "Looks up one role by `id`, or within `organization_id` by `kind` (`admin` and `read_only` " +
			"find the built-in roles) or by `name` (custom roles).",
	}
}

// NewRolesDataSource lists roles.
func NewRolesDataSource() datasource.DataSource {
	return &listDataSource[roleModel]{
		entity:      roleEntity,
		description: "Lists roles, optionally only those of one organization, of one kind or with one name.",
	}
}
