package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// lookup is how a singular data source finds its object: by id (one GET) or
// by a natural key (one list query that must match exactly one object).
type lookup struct {
	id    string
	path  string // list path, e.g. "organizations/<id>/roles"
	query provisioning.Query
	what  string // the key in words, for "no X found with ..." messages
}

// objectDataSource is the singular data source of an entity: every attribute
// of the resource, computed, plus the lookup arguments.
type objectDataSource[M any] struct {
	client *provisioning.Client
	entity *entity[M]
	// keys are the attributes (besides id) that may be given to find the object.
	keys        []string
	singleton   bool // the object needs no lookup (the signed-in user): id is computed only
	description string
	find        func(ctx context.Context, m *M) (lookup, diag.Diagnostics)
}

func (d *objectDataSource[M]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.entity.name
}

func (d *objectDataSource[M]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	rs := d.entity.schema()
	attrs := dataSourceAttributes(rs.Attributes)
	keys := d.keys
	if !d.singleton {
		keys = append([]string{"id"}, keys...)
	}
	for _, k := range keys {
		attrs[k] = lookupArgument(attrs[k])
	}
	if len(d.keys) == 0 && !d.singleton {
		// Found by id only: say so in the schema rather than at read time.
		if id, ok := attrs["id"].(dschema.StringAttribute); ok {
			id.Optional, id.Required, id.Computed = false, true, false
			attrs["id"] = id
		}
	}
	resp.Schema = dschema.Schema{MarkdownDescription: d.description, Attributes: attrs}
}

func (d *objectDataSource[M]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *objectDataSource[M]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m M
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.client == nil {
		resp.Diagnostics.AddError("Provider not configured", errNotConfigured.Error())
		return
	}
	l, diags := d.find(ctx, &m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	summary := fmt.Sprintf("Could not read %s", d.entity.title())
	var obj *jsonapi.Resource
	if l.id != "" {
		var err error
		obj, err = d.entity.fetch(ctx, d.client, l.id)
		if err != nil {
			resp.Diagnostics.Append(apiErrorDiags(summary, err, d.entity.schema().Attributes)...)
			return
		}
	} else {
		l.query.Include = d.entity.include
		found, err := d.client.List(ctx, l.path, l.query)
		if err != nil {
			resp.Diagnostics.Append(apiErrorDiags(summary, err, d.entity.schema().Attributes)...)
			return
		}
		switch len(found) {
		case 0:
			resp.Diagnostics.AddError(summary, fmt.Sprintf("No %s found with %s.", d.entity.title(), l.what))
			return
		case 1:
			obj = &found[0]
		default:
			ids := make([]string, 0, len(found))
			for _, f := range found {
				ids = append(ids, f.ID)
			}
			resp.Diagnostics.AddError(summary, fmt.Sprintf("%d objects match %s (ids %s); narrow the lookup or use id.",
				len(found), l.what, strings.Join(ids, ", ")))
			return
		}
	}
	resp.Diagnostics.Append(d.entity.fill(ctx, obj, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// listArg is one filter argument of a plural data source: an optional string
// that, when set, becomes an API filter.
type listArg struct {
	name        string // the argument, e.g. "organization_id"
	filter      string // the API predicate, e.g. "organization_id_eq"
	description string
}

// listDataSource is the plural data source of an entity: filter arguments and
// an `items` list with every attribute of the resource. It lists the
// collection named like the data source, filtered by the arguments given.
type listDataSource[M any] struct {
	client      *provisioning.Client
	entity      *entity[M]
	name        string // e.g. "roles"; also the list path
	description string
	args        []listArg
	// path, when set, chooses the list path and filters from the arguments
	// given (values has only those set) instead of the default.
	path func(values map[string]string) (listPath string, filters map[string]string)
}

// listFilters maps the arguments given (values, by argument name) to their
// API filters.
func listFilters(args []listArg, values map[string]string) map[string]string {
	out := map[string]string{}
	for _, a := range args {
		if v, ok := values[a.name]; ok {
			out[a.filter] = v
		}
	}
	return out
}

func (d *listDataSource[M]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.name
}

func (d *listDataSource[M]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := make(map[string]dschema.Attribute, len(d.args)+1)
	for _, a := range d.args {
		attrs[a.name] = filterArgument(a.description)
	}
	attrs["items"] = dschema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: fmt.Sprintf("The matching %s objects, every page read. Each has the attributes of `clprovisioning_%s`.", d.entity.title(), d.entity.name),
		NestedObject:        dschema.NestedAttributeObject{Attributes: listItemAttributes(dataSourceAttributes(d.entity.schema().Attributes))},
	}
	resp.Schema = dschema.Schema{MarkdownDescription: d.description, Attributes: attrs}
}

func (d *listDataSource[M]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *listDataSource[M]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	configured := make([]types.String, len(d.args))
	values := map[string]string{}
	for i, a := range d.args {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(a.name), &configured[i])...)
		if v := configured[i]; !v.IsNull() && !v.IsUnknown() {
			values[a.name] = v.ValueString()
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if d.client == nil {
		resp.Diagnostics.AddError("Provider not configured", errNotConfigured.Error())
		return
	}
	var q provisioning.Query
	listPath := d.name
	if d.path != nil {
		listPath, q.Filters = d.path(values)
	} else {
		q.Filters = listFilters(d.args, values)
	}
	q.Include = d.entity.include
	found, err := d.client.List(ctx, listPath, q)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiags("Could not list "+d.name, err, d.entity.schema().Attributes)...)
		return
	}
	shape := newItemShape(dataSourceAttributes(d.entity.schema().Attributes))
	items := make([]attr.Value, len(found))
	for i := range found {
		var m M
		resp.Diagnostics.Append(d.entity.fill(ctx, &found[i], &m)...)
		item, diags := shape.item(ctx, &m)
		resp.Diagnostics.Append(diags...)
		items[i] = item
	}
	if resp.Diagnostics.HasError() {
		return
	}
	list, diags := types.ListValue(types.ObjectType{AttrTypes: shape.itemTypes}, items)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	for i, a := range d.args {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(a.name), configured[i])...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("items"), list)...)
}

// Terraform cannot hold dynamic values inside a list, so in the items of a
// plural data source a dynamic attribute (filters) is its JSON text.

// listItemAttributes replaces dynamic attributes by JSON strings.
func listItemAttributes(in map[string]dschema.Attribute) map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(in))
	for k, a := range in {
		if dyn, ok := a.(dschema.DynamicAttribute); ok {
			a = dschema.StringAttribute{
				Computed: true, Sensitive: dyn.Sensitive, CustomType: jsontypes.NormalizedType{},
				MarkdownDescription: dyn.MarkdownDescription + " Here as JSON text: decode it with `jsondecode()`.",
			}
		}
		out[k] = a
	}
	return out
}

// itemShape is what converting models to list items needs, worked out once
// per read rather than once per item.
type itemShape struct {
	dynamic   []string             // the dynamic attributes, sent as JSON text
	fullTypes map[string]attr.Type // the model's object type
	itemTypes map[string]attr.Type // the item's object type
}

func newItemShape(full map[string]dschema.Attribute) itemShape {
	s := itemShape{fullTypes: attributeTypes(full), itemTypes: attributeTypes(listItemAttributes(full))}
	for k, a := range full {
		if _, ok := a.(dschema.DynamicAttribute); ok {
			s.dynamic = append(s.dynamic, k)
		}
	}
	return s
}

// item converts one model to an item of a plural data source.
func (s itemShape) item(ctx context.Context, m any) (attr.Value, diag.Diagnostics) {
	obj, diags := types.ObjectValueFrom(ctx, s.fullTypes, m)
	if diags.HasError() {
		return nil, diags
	}
	attrs := obj.Attributes()
	for _, k := range s.dynamic {
		v, _ := attrs[k].(basetypes.DynamicValuable)
		attrs[k] = jsontypes.NewNormalizedNull()
		if v == nil {
			continue
		}
		dyn, d := v.ToDynamicValue(ctx)
		diags.Append(d...)
		if dyn.IsNull() || dyn.IsUnknown() || dyn.IsUnderlyingValueNull() {
			continue
		}
		j, err := dynamicToJSON(dyn)
		if err == nil {
			var b []byte
			if b, err = json.Marshal(j); err == nil {
				attrs[k] = jsontypes.NewNormalizedValue(string(b))
			}
		}
		if err != nil {
			diags.AddError("Could not encode "+k, err.Error())
		}
	}
	item, d := types.ObjectValue(s.itemTypes, attrs)
	diags.Append(d...)
	return item, diags
}

// attributeTypes is the object type of a set of data source attributes.
func attributeTypes(attrs map[string]dschema.Attribute) map[string]attr.Type {
	out := make(map[string]attr.Type, len(attrs))
	for k, a := range attrs {
		out[k] = a.GetType()
	}
	return out
}

// lookupArgument turns a computed data source attribute into an optional
// lookup argument.
func lookupArgument(a dschema.Attribute) dschema.Attribute {
	if s, ok := a.(dschema.StringAttribute); ok {
		s.Optional = true
		s.MarkdownDescription += " Can be given to look the object up."
		return s
	}
	return a
}

// dataSourceAttributes derives computed data source attributes from a
// resource schema, so each entity's attributes are described once.
func dataSourceAttributes(in map[string]rschema.Attribute) map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(in))
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if a := dataSourceAttribute(in[k]); a != nil {
			out[k] = a
		}
	}
	return out
}

// resourceOnlySentence matches what a resource description says about
// writing the attribute, which means nothing on a data source.
var resourceOnlySentence = regexp.MustCompile(`(?i)changing it|removing (it|the)|import with|when (not set|omitted|neither)|left as it is|defaults to|clears? (it|them)|on the next apply`)

// readOnlyDescription keeps the sentences of a resource attribute's
// description that still hold for a read-only copy of it.
func readOnlyDescription(desc string) string {
	var keep []string
	for _, sentence := range strings.SplitAfter(strings.TrimSpace(desc), ". ") {
		if !resourceOnlySentence.MatchString(sentence) {
			keep = append(keep, sentence)
		}
	}
	return strings.TrimSpace(strings.Join(keep, ""))
}

func dataSourceAttribute(a rschema.Attribute) dschema.Attribute {
	desc := readOnlyDescription(a.GetMarkdownDescription())
	switch v := a.(type) {
	case rschema.StringAttribute:
		if v.WriteOnly {
			return nil // write-only values are never readable
		}
		return dschema.StringAttribute{Computed: true, Sensitive: v.Sensitive, CustomType: v.CustomType, MarkdownDescription: desc}
	case rschema.BoolAttribute:
		return dschema.BoolAttribute{Computed: true, Sensitive: v.Sensitive, MarkdownDescription: desc}
	case rschema.Int64Attribute:
		if v.WriteOnly {
			return nil
		}
		return dschema.Int64Attribute{Computed: true, Sensitive: v.Sensitive, MarkdownDescription: desc}
	case rschema.Float64Attribute:
		return dschema.Float64Attribute{Computed: true, Sensitive: v.Sensitive, MarkdownDescription: desc}
	case rschema.MapAttribute:
		return dschema.MapAttribute{Computed: true, ElementType: v.ElementType, Sensitive: v.Sensitive, MarkdownDescription: desc}
	case rschema.SetAttribute:
		return dschema.SetAttribute{Computed: true, ElementType: v.ElementType, Sensitive: v.Sensitive, MarkdownDescription: desc}
	case rschema.ListAttribute:
		return dschema.ListAttribute{Computed: true, ElementType: v.ElementType, Sensitive: v.Sensitive, MarkdownDescription: desc}
	case rschema.DynamicAttribute:
		return dschema.DynamicAttribute{Computed: true, Sensitive: v.Sensitive, CustomType: v.CustomType, MarkdownDescription: desc}
	case rschema.SingleNestedAttribute:
		return dschema.SingleNestedAttribute{Computed: true, Attributes: dataSourceAttributes(v.Attributes), MarkdownDescription: desc}
	}
	panic(fmt.Sprintf("dataSourceAttribute: unsupported attribute type %T", a))
}

// keyFilter is one natural-key argument of a singular data source.
type keyFilter struct {
	name   string       // attribute name, for messages
	value  types.String // the configured value
	filter string       // the API filter, e.g. "name_eq"
}

// findBy builds the lookup of a singular data source: by id when given,
// otherwise by every key given, ANDed. fixed filters (such as the parent
// organization) are added to the query but not required to be set here.
func findBy(id types.String, listPath string, keys []keyFilter) (lookup, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !id.IsNull() && !id.IsUnknown() {
		return lookup{id: id.ValueString()}, diags
	}
	l := lookup{path: listPath, query: provisioning.Query{Filters: map[string]string{}}}
	var names, given []string
	for _, k := range keys {
		names = append(names, k.name)
		if k.value.IsNull() || k.value.IsUnknown() {
			continue
		}
		l.query.Filters[k.filter] = k.value.ValueString()
		given = append(given, fmt.Sprintf("%s = %q", k.name, k.value.ValueString()))
	}
	if len(given) == 0 {
		diags.AddError("Missing lookup argument", "Set id, or at least one of: "+strings.Join(names, ", ")+".")
		return l, diags
	}
	l.what = strings.Join(given, " and ")
	return l, diags
}

// filterArgument is an optional string argument of a plural data source.
func filterArgument(desc string) dschema.StringAttribute {
	return dschema.StringAttribute{Optional: true, MarkdownDescription: desc}
}
