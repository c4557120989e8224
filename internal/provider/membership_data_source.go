package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// NewMembershipDataSource finds one membership by id, or by organization and email.
func NewMembershipDataSource() datasource.DataSource {
	return &objectDataSource[membershipModel]{
		entity:      membershipEntity,
		keys:        []string{"organization_id", "user_email"},
		description: "Looks up one membership by `id`, or by `organization_id` and `user_email`.",
		find: func(_ context.Context, m *membershipModel) (lookup, diag.Diagnostics) {
			return findBy(m.ID, "memberships", []keyFilter{
				{"organization_id", m.OrganizationID, "organization_id_eq"},
				{"user_email", m.UserEmail, "user_email_eq"},
			})
		},
	}
}

type membershipsModel struct {
	OrganizationID      types.String `tfsdk:"organization_id"`
	RoleID              types.String `tfsdk:"role_id"`
	MembershipProfileID types.String `tfsdk:"membership_profile_id"`
	Status              types.String `tfsdk:"status"`
	AccessScope         types.String `tfsdk:"access_scope"`
	UserEmail           types.String `tfsdk:"user_email"`
	UserEmailContains   types.String `tfsdk:"user_email_contains"`
	Items               types.List   `tfsdk:"items"`
}

// NewMembershipsDataSource lists memberships.
func NewMembershipsDataSource() datasource.DataSource {
	return &listDataSource[membershipModel, membershipsModel]{
		entity:      membershipEntity,
		name:        "memberships",
		description: "Lists memberships, optionally narrowed by organization, role, profile, status, access scope or email.",
		args: map[string]dschema.Attribute{
			"organization_id":       filterArgument("Only memberships of this organization."),
			"role_id":               filterArgument("Only memberships with this role."),
			"membership_profile_id": filterArgument("Only memberships in this profile."),
			"status":                filterArgument("Only memberships with this status: `pending` or `active`."),
			"access_scope":          filterArgument("Only memberships with this access scope: `live_access`, `test_access` or `all_access`."),
			"user_email":            filterArgument("Only the membership of this exact email address."),
			"user_email_contains":   filterArgument("Only memberships whose email contains this text (case-insensitive), e.g. `@example.com`."),
		},
		query: func(_ context.Context, f *membershipsModel) (string, provisioning.Query, diag.Diagnostics) {
			return "memberships", provisioning.Query{Filters: filters(
				"organization_id_eq", f.OrganizationID, "role_id_eq", f.RoleID,
				"membership_profile_id_eq", f.MembershipProfileID, "status_eq", f.Status,
				"access_scope_eq", f.AccessScope, "user_email_eq", f.UserEmail, "user_email_i_cont", f.UserEmailContains,
			)}, nil
		},
		items: func(f *membershipsModel) *types.List { return &f.Items },
	}
}
