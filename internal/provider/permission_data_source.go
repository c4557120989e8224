package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
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

type permissionsModel struct {
	RoleID         types.String `tfsdk:"role_id"`
	OrganizationID types.String `tfsdk:"organization_id"`
	Subject        types.String `tfsdk:"subject"`
	Items          types.List   `tfsdk:"items"`
}

// NewPermissionsDataSource lists permissions.
func NewPermissionsDataSource() datasource.DataSource {
	return &listDataSource[permissionModel, permissionsModel]{
		entity:      permissionEntity,
		name:        "permissions",
		description: "Lists permissions, optionally only those of one role, one organization or one subject.",
		args: map[string]dschema.Attribute{
			"role_id":         filterArgument("Only permissions of this role."),
			"organization_id": filterArgument("Only permissions of roles of this organization."),
			"subject":         filterArgument("Only permissions on this subject."),
		},
		query: func(_ context.Context, f *permissionsModel) (string, provisioning.Query, diag.Diagnostics) {
			if !f.OrganizationID.IsNull() && f.RoleID.IsNull() {
				// the organization's nested list is the documented way to scope by organization
				return "organizations/" + f.OrganizationID.ValueString() + "/permissions",
					provisioning.Query{Filters: filters("subject_eq", f.Subject)}, nil
			}
			return "permissions", provisioning.Query{Filters: filters(
				"role_id_eq", f.RoleID, "organization_id_eq", f.OrganizationID, "subject_eq", f.Subject,
			)}, nil
		},
		items: func(f *permissionsModel) *types.List { return &f.Items },
	}
}
