package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
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
// It is Optional+Computed only so that its plan can be the state's value
// when the configuration asks the same by other words (see filtersPlan):
// the API supplies no default, and a null configuration plans null.
func filtersAttribute(what string) schema.DynamicAttribute {
	return schema.DynamicAttribute{
		Optional:   true,
		Computed:   true,
		CustomType: filtersType{},
		MarkdownDescription: "Core API filter predicates that narrow what the " + what + " may reach (partial access), " +
			"written as an HCL object, e.g. `{ market_id_in = [202, 203], status_eq = \"placed\" }`. Each key is " +
			"`<attribute>_<matcher>` (attributes may be joined with `_or_`, e.g. `name_or_code_start`); the matchers are " +
			"those of the Core API: " + "`" + strings.Join(filterMatchers, "`, `") + "`, and `_any` / `_all` forms of " +
			"`" + strings.Join(filterMultiMatchers, "`, `") + "`. Values by matcher: a list of one or more strings, " +
			"numbers or booleans for `_in`, `_not_in`, `_in_or_null`, `_not_in_or_null` and every `_any` / `_all` form; " +
			"an object (the JSON document to contain) for `_jcont`; `true` or `false` for `_null`, `_not_null`, " +
			"`_present`, `_blank`, `_true`, `_not_true`, `_false` and `_not_false`; one string, number or boolean for " +
			"the others. The order of keys, the order of values of the list matchers, and numbers written " +
			"as strings (`202` vs `\"202\"`) make no difference: such a rewrite plans nothing. Removing the argument clears the filters.",
		Validators:    []validator.Dynamic{filtersValidator{}},
		PlanModifiers: []planmodifier.Dynamic{filtersPlan{}},
	}
}

// filtersPlan plans filters by meaning: null when the configuration has
// none (so removing them clears them remotely), the state's value when the
// configuration asks the same of the API in other words, the configuration
// otherwise. Without it, Terraform would show a rewrite (values reordered,
// 202 written "202") as a change, semantic equality or not.
type filtersPlan struct{}

func (filtersPlan) Description(context.Context) string {
	return "plans the prior filters when the configuration asks the same of the API in other words"
}

func (p filtersPlan) MarkdownDescription(ctx context.Context) string { return p.Description(ctx) }

func (filtersPlan) PlanModifyDynamic(ctx context.Context, req planmodifier.DynamicRequest, resp *planmodifier.DynamicResponse) {
	config := req.ConfigValue
	switch {
	case config.IsNull() || config.IsUnderlyingValueNull():
		resp.PlanValue = types.DynamicNull()
	case config.IsUnknown() || config.IsUnderlyingValueUnknown() ||
		req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.StateValue.IsUnderlyingValueNull():
		resp.PlanValue = config
	default:
		same, diags := filtersValue{DynamicValue: config}.DynamicSemanticEquals(ctx, filtersValue{DynamicValue: req.StateValue})
		resp.Diagnostics.Append(diags...)
		if same {
			resp.PlanValue = req.StateValue
		} else {
			resp.PlanValue = config
		}
	}
}

// filterMatchers are the Core API predicate matchers
// (https://docs.commercelayer.io/core/filtering-data; in_or_null and
// not_in_or_null from the provisioning SDK's query.ts).
var filterMatchers = []string{
	"eq", "eq_or_null", "not_eq", "not_eq_or_null", "lt", "lteq", "gt", "gteq",
	"in", "not_in", "in_or_null", "not_in_or_null",
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

// filterValueKind is what a predicate's value must be.
type filterValueKind int

const (
	filterScalar  filterValueKind = iota // one string, number or boolean
	filterList                           // a list of one or more scalars, whose order carries no meaning
	filterBoolean                        // true or false
	filterObject                         // a JSON document (jcont)
)

// filterKind tells what the value of a predicate with this matcher must be.
func filterKind(matcher string) filterValueKind {
	switch {
	case matcher == "in" || matcher == "not_in" || matcher == "in_or_null" || matcher == "not_in_or_null" ||
		strings.HasSuffix(matcher, "_any") || strings.HasSuffix(matcher, "_all"):
		return filterList
	case matcher == "jcont":
		return filterObject
	}
	switch matcher {
	case "null", "not_null", "present", "blank", "true", "not_true", "false", "not_false":
		return filterBoolean
	}
	return filterScalar
}

// unorderedFilter tells whether the value of a predicate is a set of values
// whose order carries no meaning.
func unorderedFilter(key string) bool {
	m, ok := parseFilterKey(key)
	return ok && filterKind(m) == filterList
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
func tfFilters(r *jsonapi.Resource) (filtersValue, diag.Diagnostics) {
	var diags diag.Diagnostics
	raw, _ := r.Attr("filters")
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
	if d, ok := v.(basetypes.DynamicValue); ok {
		if d.IsNull() || d.IsUnderlyingValueNull() {
			return "null"
		}
		v = d.UnderlyingValue()
	}
	if v == nil || v.IsNull() {
		return "null"
	}
	switch x := v.(type) {
	case basetypes.StringValue:
		return fmt.Sprintf("a string (%q)", x.ValueString())
	case basetypes.NumberValue, basetypes.Int64Value, basetypes.Float64Value:
		return "a number"
	case basetypes.BoolValue:
		return "a bool"
	case basetypes.TupleValue:
		return describeList(len(x.Elements()))
	case basetypes.ListValue:
		return describeList(len(x.Elements()))
	case basetypes.SetValue:
		return describeList(len(x.Elements()))
	case basetypes.ObjectValue, basetypes.MapValue:
		return "an object"
	}
	return "a value of type " + v.Type(context.Background()).String()
}

func describeList(n int) string {
	if n == 0 {
		return "an empty list"
	}
	return "a list"
}

// filterElements returns the elements of a list-like value (ok = false for
// anything else).
func filterElements(v attr.Value) ([]attr.Value, bool) {
	switch x := v.(type) {
	case basetypes.TupleValue:
		return x.Elements(), true
	case basetypes.ListValue:
		return x.Elements(), true
	case basetypes.SetValue:
		return x.Elements(), true
	}
	return nil, false
}

// concrete unwraps a dynamic value; known = false while it is not known.
func concrete(v attr.Value) (attr.Value, bool) {
	if v == nil {
		return nil, true
	}
	if v.IsUnknown() {
		return v, false
	}
	if d, ok := v.(basetypes.DynamicValue); ok {
		if d.IsUnderlyingValueUnknown() {
			return v, false
		}
		if d.IsUnderlyingValueNull() {
			return types.StringNull(), true
		}
		return concrete(d.UnderlyingValue())
	}
	return v, true
}

// isScalar tells whether a known value is one non-null string, number or bool.
func isScalar(v attr.Value) bool {
	if v == nil || v.IsNull() {
		return false
	}
	switch v.(type) {
	case basetypes.StringValue, basetypes.NumberValue, basetypes.Int64Value, basetypes.Float64Value, basetypes.BoolValue:
		return true
	}
	return false
}

// filtersValidator checks filters at plan time: an object (or map) of
// known predicates, each with the kind of value its matcher takes.
type filtersValidator struct{}

func (filtersValidator) Description(context.Context) string {
	return "an object of Core API filter predicates <attribute>_<matcher>: non-empty lists of strings, numbers or " +
		"booleans for the list matchers (_in, _not_in, _in_or_null, _not_in_or_null, _any, _all), an object for _jcont, " +
		"true or false for _null, _not_null, _present, _blank, _true, _not_true, _false, _not_false, one string, number " +
		"or boolean for the others"
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
	for _, k := range slices.Sorted(maps.Keys(elems)) {
		matcher, ok := parseFilterKey(k)
		if !ok {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid filter predicate",
				fmt.Sprintf("%s: %q is not a filter predicate. Keys are <attribute>_<matcher> in snake_case (attributes may be "+
					"joined with _or_), and the matcher is one of %s, or the _any / _all form of %s.",
					name, k, strings.Join(filterMatchers, ", "), strings.Join(filterMultiMatchers, ", ")))
			continue
		}
		if problem := filterValueProblem(matcher, elems[k]); problem != "" {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid filter value",
				fmt.Sprintf("%s: the value of %q %s", name, k, problem))
		}
	}
}

// filterValueProblem says what is wrong with the value of a predicate with
// this matcher, and what it must be instead ("" when it is fine or not
// known yet).
func filterValueProblem(matcher string, raw attr.Value) string {
	v, known := concrete(raw)
	if !known {
		return ""
	}
	switch filterKind(matcher) {
	case filterList:
		const want = "must be a list of one or more strings, numbers or booleans, such as [202, 203]: _%s takes a set of values"
		elems, ok := filterElements(v)
		if !ok || len(elems) == 0 {
			return fmt.Sprintf(want+"; got %s.", matcher, describeValue(v))
		}
		for i, raw := range elems {
			if e, settled := concrete(raw); settled && !isScalar(e) {
				return fmt.Sprintf(want+"; element %d is %s.", matcher, i, describeValue(e))
			}
		}
	case filterObject:
		switch v.(type) {
		case basetypes.ObjectValue, basetypes.MapValue:
		default:
			return fmt.Sprintf("must be an object, the JSON document the attribute must contain, such as { source = \"erp\" }; got %s.",
				describeValue(v))
		}
	case filterBoolean:
		switch x := v.(type) {
		case basetypes.BoolValue:
			if !x.IsNull() {
				return ""
			}
		case basetypes.StringValue:
			if s := x.ValueString(); !x.IsNull() && (s == "true" || s == "false") {
				return ""
			}
		}
		return fmt.Sprintf("must be true or false: _%s asks a yes-or-no question (e.g. reference_null = true); got %s.",
			matcher, describeValue(v))
	default:
		if !isScalar(v) {
			return fmt.Sprintf("must be one string, number or boolean, such as \"placed\" or 202; got %s. Only the list "+
				"matchers (_in, _not_in, _in_or_null, _not_in_or_null, _any, _all) take lists, and only _jcont takes an object.",
				describeValue(v))
		}
	}
	return ""
}
