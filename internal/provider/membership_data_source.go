package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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

// NewMembershipsDataSource lists memberships.
func NewMembershipsDataSource() datasource.DataSource {
	return &listDataSource[membershipModel]{
		entity:      membershipEntity,
		name:        "memberships",
		description: "Lists memberships, optionally narrowed by organization, role, profile, status, access scope or email.",
		args: []listArg{
			{"organization_id", "organization_id_eq", "Only memberships of this organization."},
			{"role_id", "role_id_eq", "Only memberships with this role."},
			{"membership_profile_id", "membership_profile_id_eq", "Only memberships in this profile."},
			{"status", "status_eq", "Only memberships with this status: `pending` or `active`."},
			{"access_scope", "access_scope_eq", "Only memberships with this access scope: `live_access`, `test_access` or `all_access`."},
			{"user_email", "user_email_eq", "Only the membership of this exact email address."},
			{"user_email_contains", "user_email_i_cont", "Only memberships whose email contains this text (case-insensitive), e.g. `@example.com`."},
		},
	}
}
