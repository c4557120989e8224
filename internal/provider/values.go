package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// Conversions between Terraform values and JSON:API attribute values. The
// rule everywhere: a null Terraform value is a JSON null (which clears the
// attribute remotely), and a JSON null or absent attribute is a null
// Terraform value. Empty objects are normalised to null, one way only.

func apiString(v types.String) any {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	return v.ValueString()
}

func apiBool(v types.Bool) any {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	return v.ValueBool()
}

func apiInt64(v types.Int64) any {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	return v.ValueInt64()
}

// apiJSON decodes a normalized JSON attribute into a JSON value (nil when null).
func apiJSON(v jsontypes.Normalized) (any, diag.Diagnostics) {
	if v.IsNull() || v.IsUnknown() {
		return nil, nil
	}
	var out any
	if err := jsonapi.Unmarshal([]byte(v.ValueString()), &out); err != nil {
		var d diag.Diagnostics
		d.AddError("Invalid JSON", err.Error())
		return nil, d
	}
	return out, nil
}

// apiMetadata turns the metadata map into a JSON object (nil when null).
func apiMetadata(ctx context.Context, v types.Map) (any, diag.Diagnostics) {
	if v.IsNull() || v.IsUnknown() {
		return nil, nil
	}
	m := map[string]string{}
	d := v.ElementsAs(ctx, &m, false)
	out := make(map[string]any, len(m))
	for k, s := range m {
		out[k] = s
	}
	return out, d
}

func tfString(r *jsonapi.Resource, name string) types.String {
	v, _ := r.Attr(name)
	switch s := v.(type) {
	case string:
		return types.StringValue(s)
	case nil:
		return types.StringNull()
	default:
		return types.StringValue(fmt.Sprint(s))
	}
}

func tfBool(r *jsonapi.Resource, name string) types.Bool {
	v, _ := r.Attr(name)
	if b, ok := v.(bool); ok {
		return types.BoolValue(b)
	}
	return types.BoolNull()
}

func tfInt64(r *jsonapi.Resource, name string) types.Int64 {
	v, _ := r.Attr(name)
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return types.Int64Value(i)
		}
		if f, err := n.Float64(); err == nil {
			return types.Int64Value(int64(f))
		}
	case float64:
		return types.Int64Value(int64(n))
	case int64:
		return types.Int64Value(n)
	case int:
		return types.Int64Value(int64(n))
	}
	return types.Int64Null()
}

func tfFloat64(r *jsonapi.Resource, name string) types.Float64 {
	v, _ := r.Attr(name)
	switch n := v.(type) {
	case json.Number:
		if f, err := n.Float64(); err == nil {
			return types.Float64Value(f)
		}
	case float64:
		return types.Float64Value(n)
	}
	return types.Float64Null()
}

// tfJSON renders an object attribute as normalized JSON; null and {} are null.
func tfJSON(r *jsonapi.Resource, name string) jsontypes.Normalized {
	v, _ := r.Attr(name)
	if v == nil {
		return jsontypes.NewNormalizedNull()
	}
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		return jsontypes.NewNormalizedNull()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return jsontypes.NewNormalizedNull()
	}
	return jsontypes.NewNormalizedValue(string(b))
}

// tfMetadata reads metadata as a map of strings; values that are not strings
// (set through the API by other tools) are kept as their JSON text, so that
// drift still shows. An empty object is null.
func tfMetadata(r *jsonapi.Resource) types.Map {
	v, _ := r.Attr("metadata")
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return types.MapNull(types.StringType)
	}
	elems := make(map[string]attr.Value, len(m))
	for k, e := range m {
		if s, ok := e.(string); ok {
			elems[k] = types.StringValue(s)
			continue
		}
		b, _ := json.Marshal(e)
		elems[k] = types.StringValue(string(b))
	}
	return types.MapValueMust(types.StringType, elems)
}

// tfRelID reads the id of an included to-one relationship.
func tfRelID(r *jsonapi.Resource, name string) types.String {
	rel := r.Rel(name)
	if !rel.HasData || rel.One == nil {
		return types.StringNull()
	}
	return types.StringValue(rel.One.ID)
}

// apiRel builds a to-one relationship; a null id is an explicit null (unlink).
func apiRel(typ string, id types.String) jsonapi.Relationship {
	if id.IsNull() || id.IsUnknown() {
		return jsonapi.ToOne(typ, "")
	}
	return jsonapi.ToOne(typ, id.ValueString())
}

// sameJSON reports whether two values encode to the same JSON (maps encode
// with sorted keys), which is how an update decides what changed.
func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}
