package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewMembershipDataSource finds one membership by id, or by organization and email.
func NewMembershipDataSource() datasource.DataSource {
	return &objectDataSource[membershipModel]{
		entity:      membershipEntity,
		description: "Looks up one membership by `id`, or by `organization_id` and `user_email`.",
	}
}

// NewMembershipsDataSource lists memberships.
func NewMembershipsDataSource() datasource.DataSource {
	return &listDataSource[membershipModel]{
		entity:      membershipEntity,
		description: "Lists memberships, optionally narrowed by organization, role, profile, status, access scope or email.",
	}
}
