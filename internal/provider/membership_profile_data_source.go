package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
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

type membershipProfilesModel struct {
	OrganizationID types.String `tfsdk:"organization_id"`
	Name           types.String `tfsdk:"name"`
	AccessScope    types.String `tfsdk:"access_scope"`
	Items          types.List   `tfsdk:"items"`
}

// NewMembershipProfilesDataSource lists membership profiles.
func NewMembershipProfilesDataSource() datasource.DataSource {
	return &listDataSource[membershipProfileModel, membershipProfilesModel]{
		entity:      membershipProfileEntity,
		name:        "membership_profiles",
		description: "Lists membership profiles, optionally only those of one organization, with one name or one access scope.",
		args: map[string]dschema.Attribute{
			"organization_id": filterArgument("Only profiles of this organization."),
			"name":            filterArgument("Only profiles with exactly this name."),
			"access_scope":    filterArgument("Only profiles with this access scope: `live_access`, `test_access` or `all_access`."),
		},
		query: func(_ context.Context, f *membershipProfilesModel) (string, provisioning.Query, diag.Diagnostics) {
			return "membership_profiles", provisioning.Query{Filters: filters(
				"organization_id_eq", f.OrganizationID, "name_eq", f.Name, "access_scope_eq", f.AccessScope,
			)}, nil
		},
		items: func(f *membershipProfilesModel) *types.List { return &f.Items },
	}
}
