package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewMembershipProfileDataSource finds one membership profile by id, or by organization and name.
func NewMembershipProfileDataSource() datasource.DataSource {
	return &objectDataSource[membershipProfileModel]{
		entity:      membershipProfileEntity,
		description: "Looks up one membership profile by `id`, or by `organization_id` and `name`.",
	}
}

// NewMembershipProfilesDataSource lists membership profiles.
func NewMembershipProfilesDataSource() datasource.DataSource {
	return &listDataSource[membershipProfileModel]{
		entity:      membershipProfileEntity,
		description: "Lists membership profiles, optionally only those of one organization, with one name or one access scope.",
	}
}
