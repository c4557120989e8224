package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// objectDataSource is the singular data source of an entity: every attribute
// of the resource, computed, plus the lookup arguments: id, and the entity's
// key filters (one list query that must match exactly one object).
type objectDataSource[M any] struct {
	client      *provisioning.Client
	entity      *entity[M]
	description string
}

func (d *objectDataSource[M]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.entity.name
}

// lookupNames are the arguments that find the object: id and the key
// filters (none for a singleton).
func (d *objectDataSource[M]) lookupNames() []string {
	if d.entity.singleton != "" {
		return nil
	}
	names := []string{"id"}
	for _, k := range d.entity.keyFilters() {
		names = append(names, k.name)
	}
	return names
}

func (d *objectDataSource[M]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := dataSourceAttributes(d.entity.attributes())
	for _, k := range d.lookupNames() {
		attrs[k] = lookupArgument(attrs[k], d.lookupValidators(k))
	}
	if len(d.lookupNames()) == 1 {
		// Found by id only: say so in the schema rather than at read time.
		if id, ok := attrs["id"].(dschema.StringAttribute); ok {
			id.Optional, id.Required, id.Computed = false, true, false
			attrs["id"] = id
		}
	}
	resp.Schema = dschema.Schema{MarkdownDescription: d.description, Attributes: attrs}
}

// lookupValidators are the plan-time checks of a lookup argument: the id's,
// or the key filter's.
func (d *objectDataSource[M]) lookupValidators(name string) []validator.String {
	if name == "id" {
		return []validator.String{objectID()}
	}
	for _, k := range d.entity.keyFilters() {
		if k.name == name {
			return d.entity.filterValidators(k)
		}
	}
	return nil
}

func (d *objectDataSource[M]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *objectDataSource[M]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	given := map[string]string{}
	for _, name := range d.lookupNames() {
		var v types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), &v)...)
		if !v.IsNull() && !v.IsUnknown() {
			given[name] = v.ValueString()
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if d.client == nil {
		resp.Diagnostics.AddError("Provider not configured", errNotConfigured.Error())
		return
	}
	obj, err := d.find(ctx, given)
	if err != nil {
		resp.Diagnostics.Append(errorDiags("Could not read "+d.entity.title(), err, d.entity.attributes())...)
		return
	}
	var m M
	resp.Diagnostics.Append(d.entity.fill(ctx, obj, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if _, byID := given["id"]; byID && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(d.agrees(ctx, obj.ID, given, resp.State)...)
	}
}

// agrees checks that the object found by id has the other lookup
// arguments given: id = X with slug = "other" is a contradiction to report,
// not a lookup of X that ignores the slug.
func (d *objectDataSource[M]) agrees(ctx context.Context, id string, given map[string]string, found tfsdk.State) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, name := range d.lookupNames() {
		want, ok := given[name]
		if !ok || name == "id" {
			continue
		}
		var got types.String
		diags.Append(found.GetAttribute(ctx, path.Root(name), &got)...)
		same := got.ValueString() == want
		if strings.Contains(name, "email") {
			same = strings.EqualFold(got.ValueString(), want)
		}
		if !same {
			actual := "none"
			if !got.IsNull() {
				actual = fmt.Sprintf("%q", got.ValueString())
			}
			diags.AddAttributeError(path.Root(name), "Lookup arguments disagree",
				fmt.Sprintf("The %s with id = %q has %s = %s, not %q: id and %s must describe the same object. Give id alone, "+
					"or correct %s.", d.entity.title(), id, name, actual, want, name, name))
		}
	}
	return diags
}

// find reads the object by id (one GET), or by every key given, ANDed (one
// list query that must match exactly one object).
func (d *objectDataSource[M]) find(ctx context.Context, given map[string]string) (*jsonapi.Resource, error) {
	if id, ok := given["id"]; ok || d.entity.singleton != "" {
		return d.entity.fetch(ctx, d.client, id)
	}
	var keys, what []string
	for _, k := range d.entity.keyFilters() {
		keys = append(keys, k.name)
		if v, ok := given[k.name]; ok {
			what = append(what, fmt.Sprintf("%s = %q", k.name, v))
		}
	}
	if len(what) == 0 {
		return nil, &attrError{summary: "Missing lookup argument", detail: "Set id, or at least one of: " + strings.Join(keys, ", ") + "."}
	}
	found, err := d.entity.list(ctx, d.client, given)
	switch {
	case err != nil:
		return nil, err
	case len(found) == 0:
		return nil, &attrError{summary: "Could not read " + d.entity.title(),
			detail: fmt.Sprintf("No %s found with %s.", d.entity.title(), strings.Join(what, " and "))}
	case len(found) > 1:
		return nil, &attrError{summary: "Could not read " + d.entity.title(),
			detail: fmt.Sprintf("%d objects match %s (ids %s); narrow the lookup or use id.", len(found), strings.Join(what, " and "), ids(found))}
	}
	return &found[0], nil
}

// listDataSource is the plural data source of an entity: the entity's filter
// arguments and an `items` list with every attribute of the resource. It is
// named like the entity's collection.
type listDataSource[M any] struct {
	client      *provisioning.Client
	entity      *entity[M]
	description string
}

func (d *listDataSource[M]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.entity.apiType
}

func (d *listDataSource[M]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := make(map[string]dschema.Attribute, len(d.entity.filters)+1)
	for _, a := range d.entity.filters {
		attrs[a.name] = dschema.StringAttribute{Optional: true, MarkdownDescription: a.description, Validators: d.entity.filterValidators(a)}
	}
	attrs["items"] = dschema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: fmt.Sprintf("The matching %s objects, every page read. Each has the attributes of `clprovisioning_%s`.", d.entity.title(), d.entity.name),
		NestedObject:        dschema.NestedAttributeObject{Attributes: listItemAttributes(dataSourceAttributes(d.entity.attributes()))},
	}
	resp.Schema = dschema.Schema{MarkdownDescription: d.description, Attributes: attrs}
}

func (d *listDataSource[M]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *listDataSource[M]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	filters := d.entity.filters
	configured := make([]types.String, len(filters))
	values := map[string]string{}
	for i, a := range filters {
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
	found, err := d.entity.list(ctx, d.client, values)
	if err != nil {
		resp.Diagnostics.Append(errorDiags("Could not list "+d.entity.apiType, err, d.entity.attributes())...)
		return
	}
	shape := newItemShape(dataSourceAttributes(d.entity.attributes()))
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
	for i, a := range filters {
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
// lookup argument, with the checks of what it can be.
func lookupArgument(a dschema.Attribute, validators []validator.String) dschema.Attribute {
	if s, ok := a.(dschema.StringAttribute); ok {
		s.Optional = true
		s.MarkdownDescription += " Can be given to look the object up."
		s.Validators = validators
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

// resourceOnlyPhrases are what a resource description says about writing
// the attribute, which means nothing on a data source (in lower case). Plain
// substring tests: every provider process derives every data source schema
// once, and a case-insensitive regexp of these alternatives took ~20 ms of
// each process's start (internal/bench's profile).
var resourceOnlyPhrases = []string{
	"changing it", "removing it", "removing the", "import with", "when not set", "when omitted", "when neither",
	"left as it is", "defaults to", "clear it", "clears it", "clear them", "clears them", "on the next apply", "setting it",
}

// readOnlyDescription keeps the sentences of a resource attribute's
// description that still hold for a read-only copy of it.
func readOnlyDescription(desc string) string {
	var keep []string
	for _, sentence := range strings.SplitAfter(strings.TrimSpace(desc), ". ") {
		lower := strings.ToLower(sentence)
		if !slices.ContainsFunc(resourceOnlyPhrases, func(p string) bool { return strings.Contains(lower, p) }) {
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
	case rschema.NumberAttribute:
		if v.WriteOnly {
			return nil
		}
		return dschema.NumberAttribute{Computed: true, Sensitive: v.Sensitive, MarkdownDescription: desc}
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
