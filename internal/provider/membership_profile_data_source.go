package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// NewMembershipProfileDataSource finds one profile by id, or by organization and name.
func NewMembershipProfileDataSource() datasource.DataSource {
	return &objectDataSource[membershipProfileModel]{
		entity:      membershipProfileEntity,
		keys:        []string{"organization_id", "name"},
		description: "Looks up one membership profile by `id`, or by `organization_id` and `name`.",
		find: func(_ context.Context, m *membershipProfileModel) (lookup, diag.Diagnostics) {
			return findBy(m.ID, "membership_profiles", []keyFilter{
				{"organization_id", m.OrganizationID, "organization_id_eq"},
				{"name", m.Name, "name_eq"},
			})
		},
	}
}

// NewMembershipProfilesDataSource lists membership profiles.
func NewMembershipProfilesDataSource() datasource.DataSource {
	return &listDataSource[membershipProfileModel]{
		entity:      membershipProfileEntity,
		name:        "membership_profiles",
		description: "Lists membership profiles, optionally only those of one organization, with one name or one access scope.",
		args: []listArg{
			{"organization_id", "organization_id_eq", "Only profiles of this organization."},
			{"name", "name_eq", "Only profiles with exactly this name."},
			{"access_scope", "access_scope_eq", "Only profiles with this access scope: `live_access`, `test_access` or `all_access`."},
		},
	}
}
