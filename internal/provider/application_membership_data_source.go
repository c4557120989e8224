package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// NewApplicationMembershipDataSource finds one application membership by id,
// or by API credential and membership or membership profile.
func NewApplicationMembershipDataSource() datasource.DataSource {
	return &objectDataSource[applicationMembershipModel]{
		entity: applicationMembershipEntity,
		keys:   []string{"api_credential_id", "membership_id", "membership_profile_id"},
		description: "Looks up one application membership by `id`, or by `api_credential_id` together with " +
			"`membership_id` or `membership_profile_id`.",
		find: func(_ context.Context, m *applicationMembershipModel) (lookup, diag.Diagnostics) {
			return findBy(m.ID, "application_memberships", []keyFilter{
				{"api_credential_id", m.APICredentialID, "api_credential_id_eq"},
				{"membership_id", m.MembershipID, "membership_id_eq"},
				{"membership_profile_id", m.MembershipProfileID, "membership_profile_id_eq"},
			})
		},
	}
}

// NewApplicationMembershipsDataSource lists application memberships.
func NewApplicationMembershipsDataSource() datasource.DataSource {
	return &listDataSource[applicationMembershipModel]{
		entity: applicationMembershipEntity,
		name:   "application_memberships",
		description: "Lists application memberships (yours, and all those of organizations where you are admin), optionally " +
			"narrowed by organization, API credential, role, membership or membership profile.",
		args: []listArg{
			{"organization_id", "organization_id_eq", "Only application memberships of this organization."},
			{"api_credential_id", "api_credential_id_eq", "Only application memberships of this API credential."},
			{"role_id", "role_id_eq", "Only application memberships with this role."},
			{"membership_id", "membership_id_eq", "Only application memberships of this membership."},
			{"membership_profile_id", "membership_profile_id_eq", "Only application memberships of this membership profile."},
		},
	}
}
