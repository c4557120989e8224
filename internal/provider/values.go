package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// Conversions between Terraform values and JSON:API attribute values. The
// rule everywhere: a null Terraform value is a JSON null (which clears the
// attribute remotely), and a JSON null or absent attribute is a null
// Terraform value. Empty objects are normalised to null, one way only.

// unknown stands for a value not known yet (an Optional+Computed argument
// left unset): never sent.
var unknown any = unknownValue{}

type unknownValue struct{}

func apiString(v types.String) any {
	if v.IsUnknown() {
		return unknown
	}
	if v.IsNull() {
		return nil
	}
	return v.ValueString()
}

func apiBool(v types.Bool) any {
	if v.IsUnknown() {
		return unknown
	}
	if v.IsNull() {
		return nil
	}
	return v.ValueBool()
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

// apiWhole is a whole-number argument (a Number attribute) for the API.
func apiWhole(v types.Number) any {
	if v.IsUnknown() {
		return unknown
	}
	if v.IsNull() {
		return nil
	}
	i, _ := v.ValueBigFloat().Int64()
	return i
}

// tfWhole reads a whole number of an API object into a Number attribute.
func tfWhole(r *jsonapi.Resource, name string) types.Number {
	i := tfInt64(r, name)
	if i.IsNull() {
		return types.NumberNull()
	}
	return wholeValue(i.ValueInt64())
}

func wholeValue(i int64) types.Number { return types.NumberValue(new(big.Float).SetInt64(i)) }

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
		if k == createMarkKey {
			continue // the provider's own, not a value of the user's
		}
		if s, ok := e.(string); ok {
			elems[k] = types.StringValue(s)
			continue
		}
		b, _ := json.Marshal(e)
		elems[k] = types.StringValue(string(b))
	}
	if len(elems) == 0 {
		return types.MapNull(types.StringType)
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

// dynamicToJSON converts a Terraform value to JSON: objects and maps to
// objects, tuples, lists and sets to arrays, numbers to json.Number.
func dynamicToJSON(v attr.Value) (any, error) {
	if v == nil || v.IsNull() {
		return nil, nil
	}
	if v.IsUnknown() {
		return nil, fmt.Errorf("the value is not known yet")
	}
	switch x := v.(type) {
	case basetypes.DynamicValuable:
		d, diags := x.ToDynamicValue(context.Background())
		if diags.HasError() {
			return nil, fmt.Errorf("converting a dynamic value: %v", diags)
		}
		if d.IsUnderlyingValueNull() {
			return nil, nil
		}
		return dynamicToJSON(d.UnderlyingValue())
	case basetypes.ObjectValue:
		return objectToJSON(x.Attributes())
	case basetypes.MapValue:
		return objectToJSON(x.Elements())
	case basetypes.TupleValue:
		return arrayToJSON(x.Elements())
	case basetypes.ListValue:
		return arrayToJSON(x.Elements())
	case basetypes.SetValue:
		return arrayToJSON(x.Elements())
	case basetypes.StringValue:
		return x.ValueString(), nil
	case basetypes.BoolValue:
		return x.ValueBool(), nil
	case basetypes.NumberValue:
		return json.Number(x.ValueBigFloat().Text('g', -1)), nil
	case basetypes.Int64Value:
		return json.Number(fmt.Sprint(x.ValueInt64())), nil
	case basetypes.Float64Value:
		return json.Number(big.NewFloat(x.ValueFloat64()).Text('g', -1)), nil
	}
	return nil, fmt.Errorf("unsupported value of type %s", v.Type(context.Background()))
}

func objectToJSON(elems map[string]attr.Value) (any, error) {
	out := make(map[string]any, len(elems))
	for k, e := range elems {
		j, err := dynamicToJSON(e)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = j
	}
	return out, nil
}

func arrayToJSON(elems []attr.Value) (any, error) {
	out := make([]any, len(elems))
	for i, e := range elems {
		j, err := dynamicToJSON(e)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		out[i] = j
	}
	return out, nil
}

// jsonToValue converts JSON to a Terraform value: objects to objects,
// arrays to tuples, numbers to numbers. A JSON null is a null string.
func jsonToValue(v any) (attr.Value, error) {
	switch x := v.(type) {
	case nil:
		return types.StringNull(), nil
	case string:
		return types.StringValue(x), nil
	case bool:
		return types.BoolValue(x), nil
	case json.Number:
		f, _, err := big.ParseFloat(string(x), 10, 512, big.ToNearestEven)
		if err != nil {
			return nil, fmt.Errorf("bad number %q: %w", x, err)
		}
		return types.NumberValue(f), nil
	case float64:
		return types.NumberValue(big.NewFloat(x)), nil
	case int:
		return types.NumberValue(new(big.Float).SetInt64(int64(x))), nil
	case int64:
		return types.NumberValue(new(big.Float).SetInt64(x)), nil
	case map[string]any:
		attrTypes := make(map[string]attr.Type, len(x))
		attrs := make(map[string]attr.Value, len(x))
		for k, e := range x {
			ev, err := jsonToValue(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			attrs[k], attrTypes[k] = ev, ev.Type(context.Background())
		}
		obj, diags := types.ObjectValue(attrTypes, attrs)
		if diags.HasError() {
			return nil, fmt.Errorf("building an object: %v", diags)
		}
		return obj, nil
	case []any:
		elemTypes := make([]attr.Type, len(x))
		elems := make([]attr.Value, len(x))
		for i, e := range x {
			ev, err := jsonToValue(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			elems[i], elemTypes[i] = ev, ev.Type(context.Background())
		}
		tup, diags := types.TupleValue(elemTypes, elems)
		if diags.HasError() {
			return nil, fmt.Errorf("building a tuple: %v", diags)
		}
		return tup, nil
	}
	return nil, fmt.Errorf("unsupported JSON value %T", v)
}
