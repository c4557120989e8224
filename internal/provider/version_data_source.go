package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// Versions are the API's audit trail of memberships, permissions and roles:
// read-only, so they have data sources and no resource.

type versionModel struct {
	commonModel
	ResourceType types.String         `tfsdk:"resource_type"`
	ResourceID   types.String         `tfsdk:"resource_id"`
	Event        types.String         `tfsdk:"event"`
	Changes      jsontypes.Normalized `tfsdk:"changes"`
	Who          jsontypes.Normalized `tfsdk:"who"`
}

var versionEntity = &entity[versionModel]{
	name:    "version",
	apiType: "versions",
	// The attributes, described once; only the data sources use them.
	schema: func() schema.Schema {
		computed := func(desc string) schema.StringAttribute {
			return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
		}
		json := func(desc string) schema.StringAttribute {
			return schema.StringAttribute{Computed: true, CustomType: jsontypes.NormalizedType{}, MarkdownDescription: desc}
		}
		return schema.Schema{Attributes: withCommon(map[string]schema.Attribute{
			"resource_type": computed("The type of the changed object: `memberships`, `permissions` or `roles`."),
			"resource_id":   computed("The id of the changed object."),
			"event":         computed("What happened: `create` (roles only), `update` or `destroy`."),
			"changes": json("The changed attributes as JSON, `{\"attribute\": [old, new]}`. Attributes that cannot be read " +
				"back (secrets) are listed with their values hidden. Decode with `jsondecode()`."),
			"who": json("Who made the change, as JSON, e.g. `{\"application\": {\"id\": ..., \"kind\": ..., \"public\": ...}}`; " +
				"null when the API does not record it (changes made with a Dashboard session)."),
		})}
	},
	read: func(_ context.Context, r *jsonapi.Resource, m *versionModel) diag.Diagnostics {
		m.ResourceType = tfString(r, "resource_type")
		m.ResourceID = tfString(r, "resource_id")
		m.Event = tfString(r, "event")
		m.Changes = tfJSON(r, "changes")
		m.Who = tfJSON(r, "who")
		return nil
	},
	write: func(context.Context, *versionModel) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics) {
		return nil, nil, nil // read-only
	},
}

// NewVersionDataSource reads one version by id.
func NewVersionDataSource() datasource.DataSource {
	return &objectDataSource[versionModel]{
		entity:      versionEntity,
		description: "Reads one version (an entry of the audit trail of memberships, permissions and roles) by `id`.",
		find: func(_ context.Context, m *versionModel) (lookup, diag.Diagnostics) {
			return findBy(m.ID, "versions", nil)
		},
	}
}

// NewVersionsDataSource lists versions: who changed what, and when.
func NewVersionsDataSource() datasource.DataSource {
	args := []listArg{
		{"resource_type", "resource_type_eq", "Only versions of this type of object: `memberships`, `permissions` or `roles`."},
		{"resource_id", "resource_id_eq", "Only versions of the object with this id."},
		{"event", "", "Only versions of this event: `create`, `update` or `destroy`."},
		{"created_after", "created_at_gt", "Only versions recorded after this time (RFC 3339, e.g. `2026-11-01T00:00:00Z`), " +
			"such as the time of the last apply."},
	}
	return &versionsDataSource{&listDataSource[versionModel]{
		entity: versionEntity,
		name:   "versions",
		description: "Lists versions — the audit trail of changes to memberships, permissions and roles (kept for a year) — " +
			"optionally of one type of object, one object, one event, or since a point in time. A pipeline uses it to show who " +
			"changed what since the last apply.",
		args: args,
		// Versions filter by resource_type and resource_id only (the
		// provisioning SDK's VersionFilter type): event is not sent to the
		// API but applied to what it returns (see Read).
		path: func(values map[string]string) (string, map[string]string) {
			filters := listFilters(args, values)
			delete(filters, "")
			return "versions", filters
		},
	}}
}

// versionsDataSource is the plural data source, which keeps the items of the
// configured event itself.
type versionsDataSource struct {
	*listDataSource[versionModel]
}

func (d *versionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	d.listDataSource.Read(ctx, req, resp)
	var event types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("event"), &event)...)
	if resp.Diagnostics.HasError() || event.IsNull() || event.IsUnknown() {
		return
	}
	var items types.List
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("items"), &items)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var kept []attr.Value
	for _, item := range items.Elements() {
		if obj, ok := item.(types.Object); ok && obj.Attributes()["event"].Equal(event) {
			kept = append(kept, item)
		}
	}
	list, diags := types.ListValue(items.ElementType(ctx), kept)
	resp.Diagnostics.Append(diags...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("items"), list)...)
	}
}
