package provider

import (
	"context"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// modelCodec moves an entity model to and from the Terraform value of its
// resource schema. It does what tfsdk's Get and Set do for a struct of
// attr.Value fields — same conversions, same validation of custom values —
// but learns the struct once: the framework's reflection (v1.19) re-reads
// the struct's tags and compiles a regular expression per field on every
// call: nearly all of the provider's own CPU in a refresh (a tenth of the
// process's; the rest is the framework's per-request work).
type modelCodec[M any] struct {
	objType tftypes.Object
	fields  []codecField
}

type codecField struct {
	name   string
	index  []int // reflect field index, through embedded structs
	typ    attr.Type
	tfType tftypes.Type // typ's Terraform type, computed once
}

var attrValueType = reflect.TypeFor[attr.Value]()

// newModelCodec pairs every attribute of the schema with the model's field
// of the same tfsdk tag. Every field must be an attr.Value and the two sets
// of names must be equal (a programming error otherwise, caught by the
// entity tests).
func newModelCodec[M any](ctx context.Context, attrs map[string]schema.Attribute) (*modelCodec[M], error) {
	c := &modelCodec[M]{objType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}}
	seen := map[string]bool{}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[M]()) {
		tag := f.Tag.Get("tfsdk")
		if tag == "" || tag == "-" {
			continue
		}
		a, ok := attrs[tag]
		if !ok {
			return nil, fmt.Errorf("%s: field %s has tag %q, which the schema does not have", reflect.TypeFor[M](), f.Name, tag)
		}
		if !f.Type.Implements(attrValueType) {
			return nil, fmt.Errorf("%s: field %s is a %s, not an attr.Value", reflect.TypeFor[M](), f.Name, f.Type)
		}
		if seen[tag] {
			return nil, fmt.Errorf("%s: tag %q is on two fields", reflect.TypeFor[M](), tag)
		}
		seen[tag] = true
		tfType := a.GetType().TerraformType(ctx)
		c.fields = append(c.fields, codecField{name: tag, index: f.Index, typ: a.GetType(), tfType: tfType})
		c.objType.AttributeTypes[tag] = tfType
	}
	for name := range attrs {
		if !seen[name] {
			return nil, fmt.Errorf("%s has no field for the attribute %q", reflect.TypeFor[M](), name)
		}
	}
	return c, nil
}

// decode fills m from a Terraform value of the schema's object type.
func (c *modelCodec[M]) decode(ctx context.Context, raw tftypes.Value, m *M) diag.Diagnostics {
	var diags diag.Diagnostics
	var vals map[string]tftypes.Value
	if err := raw.As(&vals); err != nil || vals == nil {
		diags.AddError("Value Conversion Error", fmt.Sprintf("The provider could not read a %s from a null or unknown object (%v); this is a bug in the provider.", reflect.TypeFor[M](), err))
		return diags
	}
	target := reflect.ValueOf(m).Elem()
	for _, f := range c.fields {
		v, err := f.typ.ValueFromTerraform(ctx, vals[f.name])
		if err != nil {
			diags.AddAttributeError(path.Root(f.name), "Value Conversion Error", err.Error())
			continue
		}
		diags.Append(validateValue(ctx, f.name, v)...)
		field := target.FieldByIndex(f.index)
		rv := reflect.ValueOf(v)
		if rv.Type() != field.Type() {
			diags.AddAttributeError(path.Root(f.name), "Value Conversion Error",
				fmt.Sprintf("The schema makes a %s where the model has a %s; this is a bug in the provider.", rv.Type(), field.Type()))
			continue
		}
		field.Set(rv)
	}
	return diags
}

// encode gives the Terraform value of m.
func (c *modelCodec[M]) encode(ctx context.Context, m *M) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	source := reflect.ValueOf(m).Elem()
	vals := make(map[string]tftypes.Value, len(c.fields))
	for _, f := range c.fields {
		v, _ := source.FieldByIndex(f.index).Interface().(attr.Value)
		if v == nil || !f.tfType.Equal(v.Type(ctx).TerraformType(ctx)) {
			diags.AddAttributeError(path.Root(f.name), "Value Conversion Error",
				fmt.Sprintf("The model's value %v does not have the schema's type %s; this is a bug in the provider.", v, f.typ))
			continue
		}
		diags.Append(validateValue(ctx, f.name, v)...)
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			diags.AddAttributeError(path.Root(f.name), "Value Conversion Error", err.Error())
			continue
		}
		vals[f.name] = tv
	}
	if diags.HasError() {
		return tftypes.Value{}, diags
	}
	if err := tftypes.ValidateValue(c.objType, vals); err != nil {
		diags.AddError("Value Conversion Error", err.Error())
		return tftypes.Value{}, diags
	}
	return tftypes.NewValue(c.objType, vals), diags
}

// validateValue runs a custom value's own validation, as the framework does
// when it converts one.
func validateValue(ctx context.Context, name string, v attr.Value) diag.Diagnostics {
	vv, ok := v.(xattr.ValidateableAttribute)
	if !ok {
		return nil
	}
	var resp xattr.ValidateAttributeResponse
	vv.ValidateAttribute(ctx, xattr.ValidateAttributeRequest{Path: path.Root(name)}, &resp)
	return resp.Diagnostics
}
