package provider

import (
	"context"
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// hclObject builds the value HCL gives for { k = v, ... }: an object whose
// lists are tuples.
func hclObject(t *testing.T, attrs map[string]attr.Value) filtersValue {
	t.Helper()
	types_ := map[string]attr.Type{}
	for k, v := range attrs {
		types_[k] = v.Type(context.Background())
	}
	obj, diags := types.ObjectValue(types_, attrs)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return filtersValue{DynamicValue: types.DynamicValue(obj)}
}

func hclTuple(t *testing.T, elems ...attr.Value) attr.Value {
	t.Helper()
	ts := make([]attr.Type, len(elems))
	for i, e := range elems {
		ts[i] = e.Type(context.Background())
	}
	v, diags := types.TupleValue(ts, elems)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return v
}

func num(n int64) attr.Value { return types.NumberValue(new(big.Float).SetInt64(n)) }

func str(s string) attr.Value { return types.StringValue(s) }

// fromJSON builds a filters value the way Read does, from an API document.
func fromJSON(t *testing.T, doc string) filtersValue {
	t.Helper()
	var attrs map[string]any
	if err := jsonapi.Unmarshal([]byte(`{"filters":`+doc+`}`), &attrs); err != nil {
		t.Fatal(err)
	}
	v, diags := tfFilters(&jsonapi.Resource{Attributes: attrs})
	if diags.HasError() {
		t.Fatal(diags)
	}
	return v
}

func semanticallyEqual(t *testing.T, a, b filtersValue) bool {
	t.Helper()
	eq, diags := a.DynamicSemanticEquals(context.Background(), b)
	if diags.HasError() {
		t.Fatal(diags)
	}
	back, _ := b.DynamicSemanticEquals(context.Background(), a)
	if eq != back {
		t.Fatalf("semantic equality is not symmetric: %v vs %v", a, b)
	}
	return eq
}

func TestFiltersSemanticEquality(t *testing.T) {
	config := hclObject(t, map[string]attr.Value{
		"market_id_in": hclTuple(t, num(202), num(203)),
		"status_eq":    str("placed"),
	})
	cases := []struct {
		name string
		api  string
		want bool
	}{
		{"same", `{"market_id_in":[202,203],"status_eq":"placed"}`, true},
		{"keys in another order", `{"status_eq":"placed","market_id_in":[202,203]}`, true},
		{"numbers as strings", `{"market_id_in":["202","203"],"status_eq":"placed"}`, true},
		{"numbers as decimals", `{"market_id_in":[202.0,2.03e2],"status_eq":"placed"}`, true},
		{"_in values reordered", `{"market_id_in":[203,202],"status_eq":"placed"}`, true},
		{"_in values reordered, as strings", `{"market_id_in":["203","202"],"status_eq":"placed"}`, true},
		{"an _in value changed", `{"market_id_in":[202,204],"status_eq":"placed"}`, false},
		{"an _in value added", `{"market_id_in":[202,203,204],"status_eq":"placed"}`, false},
		{"an _in value repeated", `{"market_id_in":[202,202,203],"status_eq":"placed"}`, false},
		{"a value changed", `{"market_id_in":[202,203],"status_eq":"draft"}`, false},
		{"a key removed", `{"market_id_in":[202,203]}`, false},
		{"a key added", `{"market_id_in":[202,203],"status_eq":"placed","number_start":"BB"}`, false},
		{"a key renamed", `{"market_id_not_in":[202,203],"status_eq":"placed"}`, false},
		{"a list became a scalar", `{"market_id_in":202,"status_eq":"placed"}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := semanticallyEqual(t, config, fromJSON(t, c.api)); got != c.want {
				t.Errorf("config %v vs API %s: semantically equal = %v, want %v", config, c.api, got, c.want)
			}
		})
	}
}

func TestFiltersSemanticEqualityOrderMattersOutsideMultiValueMatchers(t *testing.T) {
	// jcont compares a JSON document: the order inside its arrays counts.
	a := fromJSON(t, `{"metadata_jcont":{"tags":["a","b"]}}`)
	b := fromJSON(t, `{"metadata_jcont":{"tags":["b","a"]}}`)
	if semanticallyEqual(t, a, b) {
		t.Error("arrays inside a jcont document are ordered, yet reordering them compared equal")
	}
	// The _any and _all forms take sets of values.
	if !semanticallyEqual(t, fromJSON(t, `{"name_cont_any":["x","y"]}`), fromJSON(t, `{"name_cont_any":["y","x"]}`)) {
		t.Error("the values of name_cont_any are a set, yet reordering them compared different")
	}
	if !semanticallyEqual(t, fromJSON(t, `{"tag_eq_all":[1,2]}`), fromJSON(t, `{"tag_eq_all":["2","1"]}`)) {
		t.Error("the values of tag_eq_all are a set of numbers, yet compared different")
	}
	// A boolean matcher's value written as a string is the same value.
	if !semanticallyEqual(t, fromJSON(t, `{"archived_at_null":true}`), fromJSON(t, `{"archived_at_null":"true"}`)) {
		t.Error(`true and "true" compared different`)
	}
	if semanticallyEqual(t, fromJSON(t, `{"archived_at_null":true}`), fromJSON(t, `{"archived_at_null":false}`)) {
		t.Error("true and false compared equal")
	}
	// A string that merely starts with digits is not a number.
	if semanticallyEqual(t, fromJSON(t, `{"code_eq":"007"}`), fromJSON(t, `{"code_eq":7}`)) {
		t.Error(`"007" and 7 compared equal, but "007" is not a number's canonical text`)
	}
}

func TestFiltersSemanticEqualityMapAndObject(t *testing.T) {
	// tomap({...}) in HCL gives a map; the API's answer becomes an object.
	m, diags := types.MapValue(types.ListType{ElemType: types.NumberType}, map[string]attr.Value{
		"market_id_in": types.ListValueMust(types.NumberType, []attr.Value{num(203), num(202)}),
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	config := filtersValue{DynamicValue: types.DynamicValue(m)}
	if !semanticallyEqual(t, config, fromJSON(t, `{"market_id_in":[202,203]}`)) {
		t.Error("a map and the equal object compared different")
	}
}

func TestFiltersConversion(t *testing.T) {
	doc := `{"market_id_in":[202,203],"status_eq":"placed","total_amount_cents_gt":1050.5,` +
		`"archived_at_null":true,"metadata_jcont":{"source":"erp","tags":["a","b"]},"reference_eq":null}`
	v := fromJSON(t, doc)
	obj, ok := v.UnderlyingValue().(basetypes.ObjectValue)
	if !ok {
		t.Fatalf("an API object should become an object, got %T", v.UnderlyingValue())
	}
	if _, ok := obj.Attributes()["market_id_in"].(basetypes.TupleValue); !ok {
		t.Errorf("an array should become a tuple, got %T", obj.Attributes()["market_id_in"])
	}
	if n, ok := obj.Attributes()["total_amount_cents_gt"].(basetypes.NumberValue); !ok || n.ValueBigFloat().String() != "1050.5" {
		t.Errorf("a number should stay a number, got %v", obj.Attributes()["total_amount_cents_gt"])
	}
	back, diags := apiFilters(v)
	if diags.HasError() {
		t.Fatal(diags)
	}
	var want any
	_ = jsonapi.Unmarshal([]byte(doc), &want)
	if !sameJSON(back, want) {
		got, _ := json.Marshal(back)
		t.Errorf("round trip changed the filters:\n got %s\nwant %s", got, doc)
	}
	// Numbers go out as JSON numbers, not strings.
	b, _ := json.Marshal(back)
	if !strings.Contains(string(b), `"market_id_in":[202,203]`) {
		t.Errorf("numbers should be sent as numbers: %s", b)
	}

	// Configuration values: tuples, lists and sets become arrays, maps objects.
	set := types.SetValueMust(types.StringType, []attr.Value{str("a")})
	cfg := hclObject(t, map[string]attr.Value{
		"market_id_in": hclTuple(t, num(1), num(2)),
		"kind_in":      types.ListValueMust(types.StringType, []attr.Value{str("x"), str("y")}),
		"tag_eq_any":   set,
		"meta_jcont":   types.MapValueMust(types.StringType, map[string]attr.Value{"k": str("v")}),
	})
	out, diags := apiFilters(cfg)
	if diags.HasError() {
		t.Fatal(diags)
	}
	b, _ = json.Marshal(out)
	if want := `{"kind_in":["x","y"],"market_id_in":[1,2],"meta_jcont":{"k":"v"},"tag_eq_any":["a"]}`; string(b) != want {
		t.Errorf("apiFilters = %s, want %s", b, want)
	}

	// Null and {} from the API are null; null is sent as null (clears).
	if v := fromJSON(t, `null`); !v.IsNull() {
		t.Errorf("null filters should be null, got %v", v)
	}
	if v := fromJSON(t, `{}`); !v.IsNull() {
		t.Errorf("{} filters should be null, got %v", v)
	}
	if out, _ := apiFilters(filtersNull()); out != nil {
		t.Errorf("null filters should be sent as null, got %v", out)
	}
}

func TestFilterKeys(t *testing.T) {
	cases := map[string]string{ // key -> matcher ("" = invalid)
		"market_id_in":             "in",
		"market_id_not_in":         "not_in",
		"market_id_in_or_null":     "in_or_null", // not market_id_in_or + null
		"market_id_not_in_or_null": "not_in_or_null",
		"status_eq":                "eq",
		"status_not_eq":            "not_eq",
		"name_or_code_start":       "start",
		"name_i_cont":              "i_cont",
		"name_not_i_cont":          "not_i_cont",
		"number_does_not_match":    "does_not_match",
		"created_at_gteq":          "gteq",
		"archived_at_not_null":     "not_null",
		"metadata_jcont":           "jcont",
		"name_cont_any":            "cont_any",
		"tag_not_eq_all":           "not_eq_all",
		"status_eq_any":            "eq_any",
		"market_id":                "",
		"in":                       "",
		"_in":                      "",
		"market__id_in":            "",
		"Market_id_in":             "",
		"market_id_inn":            "",
		"market_id_in_any":         "",
		"market_id_null_all":       "",
		"name_or_start":            "start", // "name_or" is a valid attribute name as far as syntax goes
		"market_id_in ":            "",
		"market-id_in":             "",
		"market_id_present":        "present",
		"reference_not_false":      "not_false",
		"total_amount_cents_lt":    "lt",
		"total_amount_cents_lteq":  "lteq",
	}
	for key, want := range cases {
		got, ok := parseFilterKey(key)
		if !ok {
			got = ""
		}
		if got != want {
			t.Errorf("parseFilterKey(%q) matcher = %q, want %q", key, got, want)
		}
	}
}

func validateFilters(t *testing.T, v filtersValue) []string {
	t.Helper()
	dv, _ := v.ToDynamicValue(context.Background())
	resp := &validator.DynamicResponse{}
	filtersValidator{}.ValidateDynamic(context.Background(), validator.DynamicRequest{
		Path: path.Root("filters"), ConfigValue: dv,
	}, resp)
	var out []string
	for _, d := range resp.Diagnostics.Errors() {
		out = append(out, d.Summary()+": "+d.Detail())
	}
	return out
}

func TestFiltersValidation(t *testing.T) {
	valid := []filtersValue{
		filtersNull(),
		{DynamicValue: types.DynamicUnknown()},
		fromJSON(t, `{"market_id_in":[202,203],"status_eq":"placed"}`),
		fromJSON(t, `{"market_id_not_in":["x"],"name_or_code_start":"BB","metadata_jcont":{"a":1}}`),
		hclObject(t, map[string]attr.Value{"market_id_in": types.ListValueMust(types.NumberType, []attr.Value{num(1)})}),
		hclObject(t, map[string]attr.Value{"market_id_in": types.SetValueMust(types.NumberType, []attr.Value{num(1)})}),
		// Not known yet at plan time: nothing to say about the value.
		hclObject(t, map[string]attr.Value{"market_id_in": types.DynamicUnknown()}),
		hclObject(t, map[string]attr.Value{"market_id_in": types.ListUnknown(types.NumberType)}),
		{DynamicValue: types.DynamicValue(types.MapValueMust(types.StringType, map[string]attr.Value{"status_eq": str("placed")}))},
	}
	for _, v := range valid {
		if errs := validateFilters(t, v); len(errs) > 0 {
			t.Errorf("%v: unexpected errors %q", v, errs)
		}
	}
	invalid := []struct {
		value filtersValue
		want  []string // every error must name the attribute and the key
	}{
		{filtersValue{DynamicValue: types.DynamicValue(str(`{"market_id_in":[1]}`))}, []string{`filters must be an object`, `got a string`}},
		{filtersValue{DynamicValue: types.DynamicValue(hclTuple(t, num(1)))}, []string{`filters must be an object`, `got a list`}},
		{fromJSON(t, `{"market_id_inn":[1]}`), []string{`filters: "market_id_inn" is not a filter predicate`}},
		{fromJSON(t, `{"market_id":[1]}`), []string{`filters: "market_id" is not a filter predicate`}},
		{fromJSON(t, `{"market_id_in":202}`), []string{`filters: the value of "market_id_in" must be a list`}},
		{fromJSON(t, `{"market_id_not_in":"202,203"}`), []string{`filters: the value of "market_id_not_in" must be a list`}},
		{hclObject(t, map[string]attr.Value{}), []string{`filters is empty`}},
	}
	for _, c := range invalid {
		errs := validateFilters(t, c.value)
		if len(errs) != 1 {
			t.Errorf("%v: want one error, got %q", c.value, errs)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(errs[0], w) {
				t.Errorf("%v: error %q should contain %q", c.value, errs[0], w)
			}
		}
	}
	// Several bad keys: one error each.
	if errs := validateFilters(t, fromJSON(t, `{"a_b":1,"market_id_in":2,"status_eq":"x"}`)); len(errs) != 2 {
		t.Errorf("want an error for a_b and one for market_id_in, got %q", errs)
	}
}
