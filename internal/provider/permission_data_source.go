package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// NewPermissionDataSource finds one permission by id, or by role and subject.
func NewPermissionDataSource() datasource.DataSource {
	return &objectDataSource[permissionModel]{
		entity:      permissionEntity,
		keys:        []string{"role_id", "subject"},
		description: "Looks up one permission by `id`, or by `role_id` and `subject`.",
		find: func(_ context.Context, m *permissionModel) (lookup, diag.Diagnostics) {
			return findBy(m.ID, "permissions", []keyFilter{
				{"role_id", m.RoleID, "role_id_eq"},
				{"subject", m.Subject, "subject_eq"},
			})
		},
	}
}

// NewPermissionsDataSource lists permissions.
func NewPermissionsDataSource() datasource.DataSource {
	subject := listArg{"subject", "subject_eq", "Only permissions on this subject."}
	args := []listArg{
		{"role_id", "role_id_eq", "Only permissions of this role."},
		{"organization_id", "organization_id_eq", "Only permissions of roles of this organization."},
		subject,
	}
	return &listDataSource[permissionModel]{
		entity:      permissionEntity,
		name:        "permissions",
		description: "Lists permissions, optionally only those of one role, one organization or one subject.",
		args:        args,
		path: func(values map[string]string) (string, map[string]string) {
			org, byOrg := values["organization_id"]
			if _, byRole := values["role_id"]; byOrg && !byRole {
				// the organization's nested list is the documented way to scope by
				// organization; there only the subject filters
				return "organizations/" + org + "/permissions", listFilters([]listArg{subject}, values)
			}
			return "permissions", listFilters(args, values)
		},
	}
}
