package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// NewMembershipProfileResource manages a membership profile: a group of
// people sharing application access and test access.
func NewMembershipProfileResource() resource.Resource {
	return &jsonapiResource[membershipProfileModel]{entity: membershipProfileEntity}
}

type membershipProfileModel struct {
	commonModel
	Name           types.String `tfsdk:"name"`
	OrganizationID types.String `tfsdk:"organization_id"`
	AccessScope    types.String `tfsdk:"access_scope"`
	TestEnabled    types.Bool   `tfsdk:"test_enabled"`
}

var membershipProfileEntity = &entity[membershipProfileModel]{
	name:       "membership_profile",
	apiType:    "membership_profiles",
	include:    []string{"organization"},
	naturalKey: []keyPart{{api: "organization", filter: "organization_id_eq"}, {api: "name", filter: "name_eq"}},
	lookFirst:  true,
	filters: []filterArg{
		{name: "organization_id", filter: "organization_id_eq", description: "Only profiles of this organization.", key: true},
		{name: "name", filter: "name_eq", description: "Only profiles with exactly this name.", key: true},
		{name: "access_scope", filter: "access_scope_eq", description: "Only profiles with this access scope: " + enumList(accessScopes) + "."},
	},
	schema: func() schema.Schema {
		attrs := withCommon(map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The profile's name, on one line, unique in practice within the organization (the data source looks profiles up by it).",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), singleLine()},
			},
			"organization_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The organization. Changing it replaces the profile.",
				Validators:          []validator.String{objectID()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
		})
		for k, v := range accessScopeAttributes("profile's members") {
			attrs[k] = v
		}
		return schema.Schema{
			MarkdownDescription: "A membership profile: a group of people (memberships) that share application access " +
				"(through `clprovisioning_application_membership`) and test access. Where a profile and one of its " +
				"memberships disagree on test access, the profile wins.",
			Attributes: attrs,
		}
	},
	write: func(_ context.Context, m *membershipProfileModel) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics) {
		return map[string]any{"name": apiString(m.Name), "access_scope": apiString(m.AccessScope)},
			map[string]jsonapi.Relationship{"organization": apiRel("organizations", m.OrganizationID)}, nil
	},
	read: func(_ context.Context, r *jsonapi.Resource, m *membershipProfileModel) diag.Diagnostics {
		m.Name = tfString(r, "name")
		m.OrganizationID = tfRelID(r, "organization")
		m.AccessScope, m.TestEnabled = readAccessScope(r)
		return nil
	},
}
