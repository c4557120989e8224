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

// NewRoleResource manages a custom role. The API cannot delete roles:
// destroy forgets it and says so.
func NewRoleResource() resource.Resource {
	return &jsonapiResource[roleModel]{entity: roleEntity}
}

type roleModel struct {
	commonModel
	Name           types.String `tfsdk:"name"`
	Kind           types.String `tfsdk:"kind"`
	OrganizationID types.String `tfsdk:"organization_id"`
}

// roleKinds are the kinds of role: the two every organization has, and
// those made for it.
var roleKinds = []string{"admin", "read_only", "custom"}

var roleEntity = &entity[roleModel]{
	name:       "role",
	apiType:    "roles",
	include:    []string{"organization"},
	naturalKey: []keyPart{{api: "organization", filter: "organization_id_eq"}, {api: "name", filter: "name_eq"}},
	lookFirst:  true,
	// Every organization has an admin and a read_only role: the
	// organization's name tells them apart.
	displayName: func(r *jsonapi.Resource) string {
		return withDetail(r.String("name"), relatedString(r, "organization", "name"))
	},
	filters: []filterArg{
		{name: "organization_id", filter: "organization_id_eq", description: "Only roles of this organization.", key: true},
		{name: "kind", filter: "kind_eq", description: "Only roles of this kind: " + enumList(roleKinds) + ".", key: true,
			validators: []validator.String{stringvalidator.OneOf(roleKinds...)}},
		{name: "name", filter: "name_eq", description: "Only roles with exactly this name.", key: true},
	},
	forget: "The Provisioning API cannot delete roles. It was removed from the Terraform state and still exists in the organization.",
	schema: func() schema.Schema {
		return schema.Schema{
			MarkdownDescription: "A custom role of an organization (Enterprise plans only), to which " +
				"`clprovisioning_permission` grants rights. The built-in `admin` and `read_only` roles exist in every " +
				"organization: find them with the `clprovisioning_role` data source. **The API cannot delete roles**: " +
				"`terraform destroy` removes the role from the state with a warning and leaves it in Commerce Layer.",
			Attributes: withCommon(map[string]schema.Attribute{
				"name": schema.StringAttribute{
					Required:            true,
					MarkdownDescription: "The role's name, on one line.",
					Validators:          []validator.String{stringvalidator.LengthAtLeast(1), singleLine()},
				},
				"organization_id": schema.StringAttribute{
					Required:            true,
					MarkdownDescription: "The organization the role belongs to. Changing it replaces the role.",
					Validators:          []validator.String{objectID()},
					PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				},
				"kind": schema.StringAttribute{
					Computed:            true,
					MarkdownDescription: "The kind of role: `custom` for roles you create; `admin` or `read_only` for the built-in ones.",
					PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				},
			}),
		}
	},
	write: func(_ context.Context, m *roleModel) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics) {
		return map[string]any{"name": apiString(m.Name)},
			map[string]jsonapi.Relationship{"organization": apiRel("organizations", m.OrganizationID)}, nil
	},
	read: func(_ context.Context, r *jsonapi.Resource, m *roleModel) diag.Diagnostics {
		m.Name = tfString(r, "name")
		m.Kind = tfString(r, "kind")
		m.OrganizationID = tfRelID(r, "organization")
		return nil
	},
}
