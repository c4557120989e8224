package provider

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// codecVersusFramework reads raw into the model and writes it back, once
// with the codec and once with the framework's reflection (tfsdk Get and
// Set), and says where the two differ or lose anything.
func (r *jsonapiResource[M]) codecVersusFramework(ctx context.Context, raw tftypes.Value) error {
	s := r.entity.resourceSchema()
	var viaCodec, viaFramework M
	if d := r.entity.decode(ctx, raw, &viaCodec); d.HasError() {
		return fmt.Errorf("codec decode: %v", d)
	}
	if d := (tfsdk.State{Schema: s, Raw: raw}).Get(ctx, &viaFramework); d.HasError() {
		return fmt.Errorf("framework Get: %v", d)
	}
	if !reflect.DeepEqual(viaCodec, viaFramework) {
		return fmt.Errorf("decoded models differ:\ncodec:     %+v\nframework: %+v", viaCodec, viaFramework)
	}
	a, b := tfsdk.State{Schema: s}, tfsdk.State{Schema: s}
	if d := r.entity.store(ctx, &a, &viaCodec); d.HasError() {
		return fmt.Errorf("codec store: %v", d)
	}
	if d := b.Set(ctx, &viaFramework); d.HasError() {
		return fmt.Errorf("framework Set: %v", d)
	}
	if !a.Raw.Equal(b.Raw) {
		return fmt.Errorf("encoded values differ:\ncodec:     %s\nframework: %s", a.Raw, b.Raw)
	}
	if !a.Raw.Equal(raw) {
		return fmt.Errorf("the round trip changed the value:\nin:  %s\nout: %s", raw, a.Raw)
	}
	return nil
}

// sampleValue is a value of every attribute type the schemas use: known
// (a JSON text for strings, which suits plain and JSON strings alike), null
// or unknown.
func sampleValue(t *testing.T, name string, typ tftypes.Type, variant string) tftypes.Value {
	t.Helper()
	switch variant {
	case "null":
		return tftypes.NewValue(typ, nil)
	case "unknown":
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	switch tt := typ.(type) {
	case tftypes.Map:
		return tftypes.NewValue(typ, map[string]tftypes.Value{"k": sampleValue(t, name, tt.ElementType, variant)})
	case tftypes.Set:
		return tftypes.NewValue(typ, []tftypes.Value{sampleValue(t, name, tt.ElementType, variant)})
	case tftypes.List:
		return tftypes.NewValue(typ, []tftypes.Value{sampleValue(t, name, tt.ElementType, variant)})
	case tftypes.Object:
		vals := map[string]tftypes.Value{}
		for n, at := range tt.AttributeTypes {
			vals[n] = sampleValue(t, name+"."+n, at, variant)
		}
		return tftypes.NewValue(typ, vals)
	}
	switch {
	case typ.Is(tftypes.String):
		return tftypes.NewValue(typ, fmt.Sprintf(`{"attribute":%q}`, name))
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(typ, true)
	case typ.Is(tftypes.Number):
		return tftypes.NewValue(typ, big.NewFloat(7))
	case typ.Is(tftypes.DynamicPseudoType):
		// filters: an object whose type is known only from its value
		tuple := tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Number}}
		return tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name_eq": tftypes.String, "id_in": tuple}},
			map[string]tftypes.Value{
				"name_eq": tftypes.NewValue(tftypes.String, "x"),
				"id_in":   tftypes.NewValue(tuple, []tftypes.Value{tftypes.NewValue(tftypes.String, "a"), tftypes.NewValue(tftypes.Number, big.NewFloat(2))}),
			})
	}
	t.Fatalf("%s: no sample for type %s", name, typ)
	return tftypes.Value{}
}

// The codec reads and writes every entity's state exactly as the
// framework's reflection does: known, null and unknown values of every
// attribute, custom types (filters, JSON strings) included.
func TestCodecAgreesWithTheFramework(t *testing.T) {
	ctx := context.Background()
	tested := 0
	for _, newResource := range New("test")().Resources(ctx) {
		res := newResource()
		r, ok := res.(interface {
			codecVersusFramework(context.Context, tftypes.Value) error
			facts() entityFacts
		})
		if !ok {
			continue
		}
		tested++
		e := r.facts()
		objType, ok := schema.Schema{Attributes: e.attributes}.Type().TerraformType(ctx).(tftypes.Object)
		if !ok {
			t.Fatalf("%s: the schema's type is not an object", e.name)
		}
		for _, variant := range []string{"known", "null", "unknown"} {
			t.Run(e.name+"/"+variant, func(t *testing.T) {
				vals := map[string]tftypes.Value{}
				for name, typ := range objType.AttributeTypes {
					vals[name] = sampleValue(t, name, typ, variant)
				}
				if err := r.codecVersusFramework(ctx, tftypes.NewValue(objType, vals)); err != nil {
					t.Error(err)
				}
			})
		}
	}
	if tested < 9 {
		t.Fatalf("tested %d generic resources, want the 9 entities", tested)
	}
}

// A model and a schema that do not match are a provider bug the codec
// names when it is built, not a value silently left out.
func TestCodecRefusesAModelThatDoesNotMatchItsSchema(t *testing.T) {
	ctx := context.Background()
	attrs := map[string]schema.Attribute{
		"id":   schema.StringAttribute{Computed: true},
		"name": schema.StringAttribute{Required: true},
	}
	type good struct {
		ID   types.String `tfsdk:"id"`
		Name types.String `tfsdk:"name"`
	}
	type missing struct {
		ID types.String `tfsdk:"id"`
	}
	type extra struct {
		good
		Other types.String `tfsdk:"other"`
	}
	type plain struct {
		ID   types.String `tfsdk:"id"`
		Name string       `tfsdk:"name"`
	}
	if _, err := newModelCodec[good](ctx, attrs); err != nil {
		t.Fatalf("good model refused: %v", err)
	}
	for name, err := range map[string]error{
		`no field for the attribute "name"`: func() error { _, err := newModelCodec[missing](ctx, attrs); return err }(),
		`tag "other"`:                       func() error { _, err := newModelCodec[extra](ctx, attrs); return err }(),
		"not an attr.Value":                 func() error { _, err := newModelCodec[plain](ctx, attrs); return err }(),
	} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("want an error saying %q, got %v", name, err)
		}
	}
}

// The cost of a refresh's model round trip (decode the prior state, encode
// the new one), codec against the framework's reflection.
func BenchmarkModelRoundTrip(b *testing.B) {
	ctx := context.Background()
	e := membershipEntity
	s := e.resourceSchema()
	var m membershipModel
	m.ID, m.UserEmail, m.TestEnabled = types.StringValue("abc"), types.StringValue("a@example.com"), types.BoolValue(true)
	m.Metadata = types.MapNull(types.StringType)
	src := tfsdk.State{Schema: s}
	if d := e.store(ctx, &src, &m); d.HasError() {
		b.Fatal(d)
	}
	b.Run("codec", func(b *testing.B) {
		for b.Loop() {
			var got membershipModel
			dst := tfsdk.State{Schema: s}
			if d := append(e.decode(ctx, src.Raw, &got), e.store(ctx, &dst, &got)...); d.HasError() {
				b.Fatal(d)
			}
		}
	})
	b.Run("framework", func(b *testing.B) {
		for b.Loop() {
			var got membershipModel
			dst := tfsdk.State{Schema: s}
			if d := append(src.Get(ctx, &got), dst.Set(ctx, &got)...); d.HasError() {
				b.Fatal(d)
			}
		}
	})
}
