package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// Filters are Core API filter predicates ({"market_id_in": [202, 203],
// "status_eq": "placed"}) that narrow what an application membership (and,
// later, a role assignment) may reach. Users write them natively in HCL:
//
//	filters = { market_id_in = [202, 203], status_eq = "placed" }
//
// so the attribute is dynamic, with a custom type whose semantic equality
// ignores what carries no meaning (key order, 202 vs "202", the order of the
// values of a multi-value matcher) and keeps every real difference. This
// file is the whole mechanism: the schema attribute, its type and value,
// the plan-time validator and the conversions to and from JSON.

// pathFilters is where filter diagnostics point.
var pathFilters = path.Root("filters")

// filtersAttribute is the optional `filters` argument of a resource schema.
func filtersAttribute(what string) schema.DynamicAttribute {
	return schema.DynamicAttribute{
		Optional:   true,
		CustomType: filtersType{},
		MarkdownDescription: "Core API filter predicates that narrow what the " + what + " may reach (partial access), " +
			"written as an HCL object, e.g. `{ market_id_in = [202, 203], status_eq = \"placed\" }`. Each key is " +
			"`<attribute>_<matcher>` (attributes may be joined with `_or_`, e.g. `name_or_code_start`); the matchers are " +
			"those of the Core API: " + "`" + strings.Join(filterMatchers, "`, `") + "`, and `_any` / `_all` forms of " +
			"`" + strings.Join(filterMultiMatchers, "`, `") + "`. Values of `_in` and `_not_in` must be lists. " +
			"The order of keys, the order of values of `_in`, `_not_in`, `_any` and `_all`, and numbers written " +
			"as strings (`202` vs `\"202\"`) make no difference. Removing the argument clears the filters.",
		Validators: []validator.Dynamic{filtersValidator{}},
	}
}

// filterMatchers are the Core API predicate matchers
// (https://docs.commercelayer.io/core/filtering-data; in_or_null and
// not_in_or_null from the provisioning SDK's query.ts).
var filterMatchers = []string{
	"eq", "eq_or_null", "not_eq", "not_eq_or_null", "lt", "lteq", "gt", "gteq", "in", "not_in",
	"in_or_null", "not_in_or_null",
	"null", "not_null", "present", "blank", "true", "not_true", "false", "not_false",
	"matches", "does_not_match", "start", "not_start", "end", "not_end",
	"cont", "not_cont", "i_cont", "not_i_cont", "jcont",
}

// filterMultiMatchers also come in _any and _all forms.
var filterMultiMatchers = []string{
	"eq", "not_eq", "lt", "lteq", "gt", "gteq", "matches", "does_not_match",
	"start", "not_start", "end", "not_end", "cont", "not_cont", "i_cont", "not_i_cont",
}

// filterSuffixes are all matchers, longest first, so that "status_not_eq"
// parses as status + not_eq rather than status_not + eq.
var filterSuffixes = func() []string {
	out := append([]string{}, filterMatchers...)
	for _, m := range filterMultiMatchers {
		out = append(out, m+"_any", m+"_all")
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}()

// filterAttributes is one attribute name, or several joined with _or_.
var filterAttributes = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// parseFilterKey returns the matcher of a predicate key, whose attribute
// part must be well formed.
func parseFilterKey(key string) (matcher string, ok bool) {
	for _, m := range filterSuffixes {
		if a, found := strings.CutSuffix(key, "_"+m); found && filterAttributes.MatchString(a) {
			return m, true
		}
	}
	return "", false
}

// unorderedFilter tells whether the value of a predicate is a set of values
// whose order carries no meaning.
func unorderedFilter(key string) bool {
	m, ok := parseFilterKey(key)
	return ok && (m == "in" || m == "not_in" || strings.HasSuffix(m, "_any") || strings.HasSuffix(m, "_all"))
}

// listFilter tells whether a predicate takes a list (and only a list).
func listFilter(key string) bool {
	m, ok := parseFilterKey(key)
	return ok && (m == "in" || m == "not_in")
}

// filtersType is the custom dynamic type of `filters`.
type filtersType struct {
	basetypes.DynamicType
}

var _ basetypes.DynamicTypable = filtersType{}

func (filtersType) String() string { return "provider.filtersType" }

func (filtersType) Equal(o attr.Type) bool {
	_, ok := o.(filtersType)
	return ok
}

func (filtersType) ValueType(context.Context) attr.Value { return filtersValue{} }

func (filtersType) ValueFromDynamic(_ context.Context, in basetypes.DynamicValue) (basetypes.DynamicValuable, diag.Diagnostics) {
	return filtersValue{DynamicValue: in}, nil
}

func (t filtersType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.DynamicType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	dv, ok := v.(basetypes.DynamicValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return filtersValue{DynamicValue: dv}, nil
}

// filtersValue is a value of filtersType.
type filtersValue struct {
	basetypes.DynamicValue
}

var _ basetypes.DynamicValuableWithSemanticEquals = filtersValue{}

func filtersNull() filtersValue { return filtersValue{DynamicValue: types.DynamicNull()} }

func (filtersValue) Type(context.Context) attr.Type { return filtersType{} }

func (v filtersValue) Equal(o attr.Value) bool {
	other, ok := o.(filtersValue)
	return ok && v.DynamicValue.Equal(other.DynamicValue)
}

// DynamicSemanticEquals reports whether two filter sets ask the same of the
// API: same keys, same values once numbers, numeric strings and booleans
// are compared by value and the values of multi-value matchers as sets.
func (v filtersValue) DynamicSemanticEquals(ctx context.Context, other basetypes.DynamicValuable) (bool, diag.Diagnostics) {
	o, diags := other.ToDynamicValue(ctx)
	if diags.HasError() {
		return false, diags
	}
	a, errA := dynamicToJSON(v.DynamicValue)
	b, errB := dynamicToJSON(o)
	if errA != nil || errB != nil {
		return false, nil
	}
	return sameFilters(a, b), nil
}

// sameFilters compares two filter JSON values semantically.
func sameFilters(a, b any) bool {
	return sameJSON(canonicalFilters(a), canonicalFilters(b))
}

// canonicalFilters rewrites a filters JSON value so that semantically equal
// values encode to the same JSON.
func canonicalFilters(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return canonicalJSON(v, false)
	}
	out := make(map[string]any, len(m))
	for k, x := range m {
		out[k] = canonicalJSON(x, unorderedFilter(k))
	}
	return out
}

func canonicalJSON(v any, unordered bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = canonicalJSON(e, false)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = canonicalJSON(e, false)
		}
		if unordered {
			keys := make([]string, len(out))
			for i, e := range out {
				b, _ := json.Marshal(e)
				keys[i] = string(b)
			}
			sort.Strings(keys)
			for i, k := range keys {
				out[i] = json.RawMessage(k)
			}
		}
		return out
	case json.Number:
		return canonicalNumber(string(x))
	case float64:
		return canonicalNumber(big.NewFloat(x).Text('g', -1))
	case int64:
		return canonicalNumber(fmt.Sprint(x))
	case int:
		return canonicalNumber(fmt.Sprint(x))
	case bool:
		return fmt.Sprintf("b:%t", x)
	case string:
		if numeric.MatchString(x) {
			return canonicalNumber(x)
		}
		if x == "true" || x == "false" {
			return "b:" + x
		}
		return "s:" + x
	}
	return v // nil
}

var numeric = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

func canonicalNumber(s string) string {
	f, _, err := big.ParseFloat(s, 10, 512, big.ToNearestEven)
	if err != nil {
		return "s:" + s
	}
	return "n:" + f.Text('g', -1)
}

// apiFilters is the JSON object to send for a filters value (nil when null).
func apiFilters(v filtersValue) (any, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v.IsNull() || v.IsUnknown() || v.IsUnderlyingValueNull() {
		return nil, diags
	}
	out, err := dynamicToJSON(v.DynamicValue)
	if err != nil {
		diags.AddAttributeError(pathFilters, "Invalid filters", err.Error())
	}
	return out, diags
}

// tfFilters reads a filters attribute of an API object; null and {} are null.
func tfFilters(r *jsonapi.Resource, name string) (filtersValue, diag.Diagnostics) {
	var diags diag.Diagnostics
	raw, _ := r.Attr(name)
	if raw == nil {
		return filtersNull(), diags
	}
	if m, ok := raw.(map[string]any); ok && len(m) == 0 {
		return filtersNull(), diags
	}
	v, err := jsonToValue(raw)
	if err != nil {
		diags.AddAttributeError(pathFilters, "Unexpected filters from the API", err.Error())
		return filtersNull(), diags
	}
	return filtersValue{DynamicValue: types.DynamicValue(v)}, diags
}

// describeValue names the kind of a value for messages.
func describeValue(v attr.Value) string {
	switch v.(type) {
	case basetypes.StringValue:
		return "a string"
	case basetypes.NumberValue, basetypes.Int64Value, basetypes.Float64Value:
		return "a number"
	case basetypes.BoolValue:
		return "a bool"
	case basetypes.TupleValue, basetypes.ListValue, basetypes.SetValue:
		return "a list"
	}
	return "a value of type " + v.Type(context.Background()).String()
}

// filtersValidator checks filters at plan time: an object (or map) of
// known predicates, with lists for _in and _not_in.
type filtersValidator struct{}

func (filtersValidator) Description(context.Context) string {
	return "an object of Core API filter predicates <attribute>_<matcher>; lists for _in and _not_in"
}

func (v filtersValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (filtersValidator) ValidateDynamic(ctx context.Context, req validator.DynamicRequest, resp *validator.DynamicResponse) {
	value := req.ConfigValue
	if value.IsNull() || value.IsUnknown() || value.IsUnderlyingValueNull() || value.IsUnderlyingValueUnknown() {
		return
	}
	name := req.Path.String()
	var elems map[string]attr.Value
	switch x := value.UnderlyingValue().(type) {
	case basetypes.ObjectValue:
		elems = x.Attributes()
	case basetypes.MapValue:
		elems = x.Elements()
	default:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid filters",
			fmt.Sprintf("%s must be an object of Core API filter predicates, such as { market_id_in = [202, 203], status_eq = \"placed\" }; got %s.",
				name, describeValue(x)))
		return
	}
	if len(elems) == 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid filters",
			fmt.Sprintf("%s is empty: give at least one predicate, or omit the argument to have no filters.", name))
		return
	}
	keys := make([]string, 0, len(elems))
	for k := range elems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := parseFilterKey(k); !ok {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid filter predicate",
				fmt.Sprintf("%s: %q is not a filter predicate. Keys are <attribute>_<matcher> in snake_case (attributes may be "+
					"joined with _or_), and the matcher is one of %s, or the _any / _all form of %s.",
					name, k, strings.Join(filterMatchers, ", "), strings.Join(filterMultiMatchers, ", ")))
			continue
		}
		e := elems[k]
		if !listFilter(k) || e == nil || e.IsUnknown() {
			continue
		}
		if d, ok := e.(basetypes.DynamicValue); ok {
			if d.IsUnderlyingValueUnknown() {
				continue
			}
			e = d.UnderlyingValue()
		}
		switch e.(type) {
		case basetypes.TupleValue, basetypes.ListValue, basetypes.SetValue:
		default:
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid filter value",
				fmt.Sprintf("%s: the value of %q must be a list, such as [202, 203]: _in and _not_in take several values.", name, k))
		}
	}
}
