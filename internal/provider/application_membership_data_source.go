package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
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

type applicationMembershipsModel struct {
	OrganizationID      types.String `tfsdk:"organization_id"`
	APICredentialID     types.String `tfsdk:"api_credential_id"`
	RoleID              types.String `tfsdk:"role_id"`
	MembershipID        types.String `tfsdk:"membership_id"`
	MembershipProfileID types.String `tfsdk:"membership_profile_id"`
	Items               types.List   `tfsdk:"items"`
}

// NewApplicationMembershipsDataSource lists application memberships.
func NewApplicationMembershipsDataSource() datasource.DataSource {
	return &listDataSource[applicationMembershipModel, applicationMembershipsModel]{
		entity: applicationMembershipEntity,
		name:   "application_memberships",
		description: "Lists application memberships (yours, and all those of organizations where you are admin), optionally " +
			"narrowed by organization, API credential, role, membership or membership profile.",
		args: map[string]dschema.Attribute{
			"organization_id":       filterArgument("Only application memberships of this organization."),
			"api_credential_id":     filterArgument("Only application memberships of this API credential."),
			"role_id":               filterArgument("Only application memberships with this role."),
			"membership_id":         filterArgument("Only application memberships of this membership."),
			"membership_profile_id": filterArgument("Only application memberships of this membership profile."),
		},
		query: func(_ context.Context, f *applicationMembershipsModel) (string, provisioning.Query, diag.Diagnostics) {
			return "application_memberships", provisioning.Query{Filters: filters(
				"organization_id_eq", f.OrganizationID, "api_credential_id_eq", f.APICredentialID,
				"role_id_eq", f.RoleID, "membership_id_eq", f.MembershipID,
				"membership_profile_id_eq", f.MembershipProfileID,
			)}, nil
		},
		items: func(f *applicationMembershipsModel) *types.List { return &f.Items },
	}
}
