package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

// The objects the API keeps versions of, and what a version records.
var (
	versionResourceTypes = []string{"memberships", "permissions", "roles"}
	versionEvents        = []string{"create", "update", "destroy"}
)

var versionEntity = &entity[versionModel]{
	name:    "version",
	apiType: "versions",
	filters: []filterArg{
		{name: "resource_type", filter: "resource_type_eq", description: "Only versions of this type of object: " + enumList(versionResourceTypes) + ".",
			validators: []validator.String{stringvalidator.OneOf(versionResourceTypes...)}},
		{name: "resource_id", filter: "resource_id_eq", description: "Only versions of the object with this id.",
			validators: []validator.String{objectID()}},
		// The API filters versions by resource_type and resource_id only
		// (the provisioning SDK's VersionFilter): event is applied to what
		// the API returns.
		{name: "event", description: "Only versions of this event: " + enumList(versionEvents) + ".",
			validators: []validator.String{stringvalidator.OneOf(versionEvents...)}},
		{name: "created_after", filter: "created_at_gt", description: "Only versions recorded after this time (RFC 3339, e.g. `2026-11-01T00:00:00Z`), " +
			"such as the time of the last apply.", validators: []validator.String{rfc3339()}},
	},
	// The attributes, described once; only the data sources use them.
	schema: func() schema.Schema {
		computed := func(desc string) schema.StringAttribute {
			return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
		}
		json := func(desc string) schema.StringAttribute {
			return schema.StringAttribute{Computed: true, CustomType: jsontypes.NormalizedType{}, MarkdownDescription: desc}
		}
		return schema.Schema{Attributes: withCommon(map[string]schema.Attribute{
			"resource_type": computed("The type of the changed object: " + enumList(versionResourceTypes) + "."),
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
	}
}

// NewVersionsDataSource lists versions: who changed what, and when.
func NewVersionsDataSource() datasource.DataSource {
	return &listDataSource[versionModel]{
		entity: versionEntity,
		description: "Lists versions — the audit trail of changes to memberships, permissions and roles (kept for a year) — " +
			"optionally of one type of object, one object, one event, or since a point in time. A pipeline uses it to show who " +
			"changed what since the last apply.",
	}
}
