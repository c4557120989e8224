package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// NewPermissionResource manages the rights of a custom role on one subject.
// The API cannot delete permissions: destroy revokes all four rights.
func NewPermissionResource() resource.Resource {
	return &jsonapiResource[permissionModel]{entity: permissionEntity}
}

type permissionModel struct {
	commonModel
	RoleID         types.String         `tfsdk:"role_id"`
	OrganizationID types.String         `tfsdk:"organization_id"`
	Subject        types.String         `tfsdk:"subject"`
	CanCreate      types.Bool           `tfsdk:"can_create"`
	CanRead        types.Bool           `tfsdk:"can_read"`
	CanUpdate      types.Bool           `tfsdk:"can_update"`
	CanDestroy     types.Bool           `tfsdk:"can_destroy"`
	Restrictions   jsontypes.Normalized `tfsdk:"restrictions"`
}

var rights = []string{"can_create", "can_read", "can_update", "can_destroy"}

var permissionEntity = &entity[permissionModel]{
	name:       "permission",
	apiType:    "permissions",
	include:    []string{"role", "organization"},
	naturalKey: []keyPart{{api: "role", filter: "role_id_eq"}, {api: "subject", filter: "subject_eq"}},
	filters:    permissionFilters,
	displayName: func(r *jsonapi.Resource) string {
		return relatedString(r, "role", "name") + ": " + r.String("subject")
	},
	listPath: func(values map[string]string) (string, map[string]string) {
		filters := map[string]string{}
		for _, f := range permissionFilters {
			if v, ok := values[f.name]; ok {
				filters[f.filter] = v
			}
		}
		if org, ok := values["organization_id"]; ok && values["role_id"] == "" {
			// The organization's nested list is the documented way to scope
			// by organization.
			delete(filters, "organization_id_eq")
			return provisioning.Path("organizations", org, "permissions"), filters
		}
		return "permissions", filters
	},
	schema: permissionSchema,
	write:  writePermission,
	read:   readPermission,
	forget: "The Provisioning API cannot delete permissions. All four rights were revoked; the emptied permission " +
		"stays on the role, and creating the same subject on that role again adopts it.",
	hooks: hooks[permissionModel]{
		remove: revokePermission,
		// A permission emptied by an earlier destroy is taken over; any
		// other existing one must be imported.
		adoptable: func(existing *jsonapi.Resource) bool {
			for _, r := range rights {
				if existing.Bool(r) {
					return false
				}
			}
			return true
		},
	},
}

var permissionFilters = []filterArg{
	{name: "role_id", filter: "role_id_eq", description: "Only permissions of this role.", key: true},
	{name: "organization_id", filter: "organization_id_eq", description: "Only permissions of roles of this organization.",
		validators: []validator.String{objectID()}},
	{name: "subject", filter: "subject_eq", description: "Only permissions on this subject.", key: true},
}

func permissionSchema() schema.Schema {
	right := func(what string) schema.BoolAttribute {
		return schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: "Whether the role may " + what + " objects of `subject`. Defaults to `false`.",
		}
	}
	return schema.Schema{
		MarkdownDescription: "The rights of a custom role on one Core API resource (`subject`). One permission per " +
			"subject and role. **The API cannot delete permissions**: `terraform destroy` revokes all four rights " +
			"and leaves the emptied permission on the role; creating the same subject again later adopts it.",
		Attributes: withCommon(map[string]schema.Attribute{
			"role_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The custom role the permission belongs to. Changing it replaces the permission.",
				Validators:          []validator.String{objectID()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"subject": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The Core API resource the rights apply to, in snake_case, e.g. `orders`, `skus` or `line_items`. " +
					"Changing it replaces the permission.",
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1), singleLine(), coreResource()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"organization_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The organization of the role.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"can_create":  right("create"),
			"can_read":    right("read"),
			"can_update":  right("update"),
			"can_destroy": right("destroy"),
			"restrictions": schema.StringAttribute{
				Computed: true, CustomType: jsontypes.NormalizedType{},
				MarkdownDescription: "Additional restrictions set by Commerce Layer, as JSON.",
			},
		}),
	}
}

func writePermission(_ context.Context, m *permissionModel) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics) {
	return map[string]any{
			"subject":     apiString(m.Subject),
			"can_create":  apiBool(m.CanCreate),
			"can_read":    apiBool(m.CanRead),
			"can_update":  apiBool(m.CanUpdate),
			"can_destroy": apiBool(m.CanDestroy),
		},
		map[string]jsonapi.Relationship{"role": apiRel("roles", m.RoleID)}, nil
}

func readPermission(_ context.Context, r *jsonapi.Resource, m *permissionModel) diag.Diagnostics {
	m.RoleID = tfRelID(r, "role")
	m.OrganizationID = tfRelID(r, "organization")
	m.Subject = tfString(r, "subject")
	m.CanCreate = tfBool(r, "can_create")
	m.CanRead = tfBool(r, "can_read")
	m.CanUpdate = tfBool(r, "can_update")
	m.CanDestroy = tfBool(r, "can_destroy")
	m.Restrictions = tfJSON(r, "restrictions")
	return nil
}

// revokePermission empties the permission on destroy: the API cannot
// delete it, so all four rights are revoked.
func revokePermission(ctx context.Context, x *exchange, m *permissionModel) error {
	revoke := &jsonapi.Resource{Type: "permissions", ID: m.ID.ValueString()}
	for _, r := range rights {
		revoke.SetAttr(r, false)
	}
	_, err := x.client.Update(ctx, revoke)
	return err
}
