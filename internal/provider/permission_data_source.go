package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewPermissionDataSource finds one permission by id, or by role and subject.
func NewPermissionDataSource() datasource.DataSource {
	return &objectDataSource[permissionModel]{
		entity:      permissionEntity,
		description: "Looks up one permission by `id`, or by `role_id` and `subject`.",
	}
}

// NewPermissionsDataSource lists permissions.
func NewPermissionsDataSource() datasource.DataSource {
	return &listDataSource[permissionModel]{
		entity:      permissionEntity,
		description: "Lists permissions, optionally only those of one role, one organization or one subject.",
	}
}
