package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewApplicationMembershipDataSource finds one application membership by id,
// or by API credential and membership or membership profile.
func NewApplicationMembershipDataSource() datasource.DataSource {
	return &objectDataSource[applicationMembershipModel]{
		entity: applicationMembershipEntity,
		description: "Looks up one application membership by `id`, or by `api_credential_id` together with " +
			"`membership_id` or `membership_profile_id`.",
	}
}

// NewApplicationMembershipsDataSource lists application memberships.
func NewApplicationMembershipsDataSource() datasource.DataSource {
	return &listDataSource[applicationMembershipModel]{
		entity: applicationMembershipEntity,
		description: "Lists application memberships (yours, and all those of organizations where you are admin), optionally " +
			"narrowed by organization, API credential, role, membership or membership profile.",
	}
}
