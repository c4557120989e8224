package provider

import (
	"context"
	"fmt"
	"net/http"

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
	include:    permissionInclude,
	createOnly: []string{"subject", "role"},
	schema:     permissionSchema,
	write:      writePermission,
	read:       readPermission,
	create:     createPermission,
	delete:     revokePermission,
}

var permissionInclude = []string{"role", "organization"}

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
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"subject": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The Core API resource the rights apply to, e.g. `orders` or `skus`. " +
					"Changing it replaces the permission.",
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
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

// revokePermission is destroy: the API cannot delete a permission, so it
// revokes all four rights.
func revokePermission(ctx context.Context, c *provisioning.Client, m *permissionModel) diag.Diagnostics {
	revoke := &jsonapi.Resource{Type: "permissions", ID: m.ID.ValueString()}
	for _, r := range rights {
		revoke.SetAttr(r, false)
	}
	if _, err := c.Update(ctx, revoke); err != nil && !provisioning.IsNotFound(err) {
		return apiErrorDiags("Could not revoke permission", err, permissionSchema().Attributes)
	}
	return forgetWarning("permission", m.ID.ValueString(),
		"The Provisioning API cannot delete permissions. All four rights were revoked; the emptied permission "+
			"stays on the role, and creating the same subject on that role again adopts it.")
}

// createPermission POSTs the permission. When the subject already has a
// permission on the role, it adopts it only if it is a leftover of an
// earlier destroy (all four rights revoked); anything else must be imported.
func createPermission(ctx context.Context, c *provisioning.Client, _ *permissionModel, body *jsonapi.Resource) (*jsonapi.Resource, diag.Diagnostics) {
	created, err := c.Create(ctx, body, permissionInclude...)
	if err == nil {
		return created, nil
	}
	attrs := permissionSchema().Attributes
	apiErr, ok := provisioning.AsAPIError(err)
	if !ok || apiErr.StatusCode != http.StatusUnprocessableEntity || !pointsAt(apiErr, "subject") {
		return nil, apiErrorDiags("Could not create permission", err, attrs)
	}
	roleID, subject := body.Rel("role").ID(), body.String("subject")
	found, lerr := c.List(ctx, "permissions", provisioning.Query{
		Filters: map[string]string{"role_id_eq": roleID, "subject_eq": subject},
	})
	if lerr != nil || len(found) != 1 {
		return nil, apiErrorDiags("Could not create permission", err, attrs)
	}
	existing := found[0]
	for _, r := range rights {
		if existing.Bool(r) {
			var d diag.Diagnostics
			d.AddError("Permission already exists",
				fmt.Sprintf("Role %s already has a permission on %q (id %s) that Terraform does not manage. Import it: "+
					"terraform import <address> %s", roleID, subject, existing.ID, existing.ID))
			return nil, d
		}
	}
	update := &jsonapi.Resource{Type: "permissions", ID: existing.ID, Attributes: map[string]any{}}
	for k, v := range body.Attributes {
		if k != "subject" {
			update.Attributes[k] = v
		}
	}
	adopted, err := c.Update(ctx, update, permissionInclude...)
	if err != nil {
		return nil, apiErrorDiags("Could not adopt the revoked permission", err, attrs)
	}
	return adopted, nil
}

// pointsAt reports whether any error of the document is about the attribute.
func pointsAt(e *provisioning.APIError, attribute string) bool {
	for _, x := range e.Errors {
		if x.Source.Attribute() == attribute {
			return true
		}
	}
	return false
}
