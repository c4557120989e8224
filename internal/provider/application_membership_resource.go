package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// NewApplicationMembershipResource manages the access of a membership or
// membership profile to an application (an API credential) under a role.
func NewApplicationMembershipResource() resource.Resource {
	return &jsonapiResource[applicationMembershipModel]{entity: applicationMembershipEntity}
}

type applicationMembershipModel struct {
	commonModel
	APICredentialID     types.String `tfsdk:"api_credential_id"`
	OrganizationID      types.String `tfsdk:"organization_id"`
	RoleID              types.String `tfsdk:"role_id"`
	MembershipID        types.String `tfsdk:"membership_id"`
	MembershipProfileID types.String `tfsdk:"membership_profile_id"`
	Filters             filtersValue `tfsdk:"filters"`
}

var applicationMembershipEntity = &entity[applicationMembershipModel]{
	name:    "application_membership",
	apiType: "application_memberships",
	include: []string{"api_credential", "organization", "role", "membership", "membership_profile"},
	naturalKey: []keyPart{
		{api: "api_credential", filter: "api_credential_id_eq"},
		{api: "membership", filter: "membership_id_eq"},
		{api: "membership_profile", filter: "membership_profile_id_eq"},
	},
	// The application and who may use it: a person's e-mail or a profile's name.
	displayName: func(r *jsonapi.Resource) string {
		who := relatedString(r, "membership", "user_email")
		if who == "" {
			who = relatedString(r, "membership_profile", "name")
		}
		return relatedString(r, "api_credential", "name") + ": " + who
	},
	filters: []filterArg{
		{name: "organization_id", filter: "organization_id_eq", description: "Only application memberships of this organization."},
		{name: "api_credential_id", filter: "api_credential_id_eq", description: "Only application memberships of this API credential.", key: true},
		{name: "role_id", filter: "role_id_eq", description: "Only application memberships with this role."},
		{name: "membership_id", filter: "membership_id_eq", description: "Only application memberships of this membership.", key: true},
		{name: "membership_profile_id", filter: "membership_profile_id_eq", description: "Only application memberships of this membership profile.", key: true},
	},
	schema: applicationMembershipSchema,
	write:  writeApplicationMembership,
	read:   readApplicationMembership,
	configValidators: []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("membership_id"), path.MatchRoot("membership_profile_id")),
	},
}

func applicationMembershipSchema() schema.Schema {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	id := []validator.String{objectID()}
	return schema.Schema{
		MarkdownDescription: "Gives one person (`membership_id`) or a group (`membership_profile_id`) access to an " +
			"application, such as a Dashboard app, through its API credential, under a role: the `admin` role gets the " +
			"app's full access, `read_only` its read-only access, a custom role what lies within full access. " +
			"`filters` can narrow the access further (partial access). Exactly one of `membership_id` and " +
			"`membership_profile_id` must be set.",
		Attributes: withCommon(map[string]schema.Attribute{
			"api_credential_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The API credential of the application. Changing it replaces the application membership.",
				Validators:          id,
				PlanModifiers:       replace,
			},
			"organization_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The organization. Changing it replaces the application membership.",
				Validators:          id,
				PlanModifiers:       replace,
			},
			"role_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The role under which the application is used. Changing it updates the application membership in place.",
				Validators:          id,
			},
			"membership_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The membership (person) given access. Exactly one of `membership_id` and " +
					"`membership_profile_id`. Changing it replaces the application membership.",
				Validators:    id,
				PlanModifiers: replace,
			},
			"membership_profile_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The membership profile (group) given access. Exactly one of `membership_id` and " +
					"`membership_profile_id`. Changing it to another profile updates the application membership in place.",
				Validators: id,
			},
			"filters": filtersAttribute("application membership"),
		}),
	}
}

func writeApplicationMembership(_ context.Context, m *applicationMembershipModel) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics) {
	f, diags := apiFilters(m.Filters)
	return map[string]any{"filters": f}, map[string]jsonapi.Relationship{
		"api_credential":     apiRel("api_credentials", m.APICredentialID),
		"organization":       apiRel("organizations", m.OrganizationID),
		"role":               apiRel("roles", m.RoleID),
		"membership":         apiRel("memberships", m.MembershipID),
		"membership_profile": apiRel("membership_profiles", m.MembershipProfileID),
	}, diags
}

func readApplicationMembership(_ context.Context, r *jsonapi.Resource, m *applicationMembershipModel) diag.Diagnostics {
	m.APICredentialID = tfRelID(r, "api_credential")
	m.OrganizationID = tfRelID(r, "organization")
	m.RoleID = tfRelID(r, "role")
	m.MembershipID = tfRelID(r, "membership")
	m.MembershipProfileID = tfRelID(r, "membership_profile")
	var diags diag.Diagnostics
	m.Filters, diags = tfFilters(r)
	return diags
}
