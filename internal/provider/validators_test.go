package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// validateString runs a string validator on a value of the attribute at
// path and returns the error details.
func validateString(v validator.String, at, value string) []string {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(at), ConfigValue: types.StringValue(value)}, resp)
	var out []string
	for _, d := range resp.Diagnostics.Errors() {
		out = append(out, d.Detail())
	}
	return out
}

// checkString asserts that every good value passes and every bad one fails
// with one error containing the wanted words.
func checkString(t *testing.T, v validator.String, at string, good []string, bad map[string]string) {
	t.Helper()
	for _, g := range good {
		if errs := validateString(v, at, g); len(errs) > 0 {
			t.Errorf("%s = %q: unexpected errors %q", at, g, errs)
		}
	}
	for b, want := range bad {
		errs := validateString(v, at, b)
		if len(errs) != 1 || !strings.Contains(errs[0], want) {
			t.Errorf("%s = %q: want one error containing %q, got %q", at, b, want, errs)
		}
	}
	// Null and unknown values are not checked (the plan knows nothing yet).
	for _, x := range []types.String{types.StringNull(), types.StringUnknown()} {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(at), ConfigValue: x}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%s = %v: unexpected errors %v", at, x, resp.Diagnostics)
		}
	}
}

func TestEmailAddressValidator(t *testing.T) {
	local64 := strings.Repeat("a", 64)
	// 254 characters, in domain labels of at most 63.
	longest := local64 + "@" + strings.Repeat(strings.Repeat("b", 62)+".", 2) + strings.Repeat("c", 254-64-1-2*63-8) + ".example"
	if len(longest) != 254 {
		t.Fatalf("fixture: %d characters", len(longest))
	}
	checkString(t, emailAddress(), "user_email",
		[]string{"jane@example.com", "a.b+c@sub.example.co.uk", longest},
		map[string]string{
			longest + "x":             "Attribute user_email must be at most 254 characters long, the longest email address RFC 5321 allows; got 255 characters.",
			strings.Repeat("x", 1000): "must be at most 254 characters",
			"jane":                    `Attribute user_email must be an email address such as jane@example.com; got "jane".`,
			"jane@example":            "must be an email address",
			"ja ne@example.com":       "must be an email address",
			"jane@@example.com":       "must be an email address",
			"jane\x00@example.com":    "must be an email address",
			"jane\x7f@example.com":    "must be an email address",
			"<jane@example.com>":      `got "<jane@example.com>": write the address alone, without a name or angle brackets.`,
			"Jane <jane@example.com>": "must be an email address",
			"jane@example..com":       "the domain has an empty label",
			".jane@example.com":       "cannot start or end with a dot",
			"ja..ne@example.com":      "two dots in a row",
			"jane@-example.com":       "starts or ends with a hyphen",
			"jane@exa_mple.com":       `'_' is not allowed in the domain`,
			"ja(ne)@example.com":      `'(' is not allowed before the @`,
			"jane@" + strings.Repeat("d", 64) + ".example": "longer than 63 characters",
		})
	checkString(t, emailAddress(), "support_email",
		[]string{"josé@café.example", "o'brien+tag@xn--bcher-kva.example", "user_name@sub-domain.example.co.uk"}, nil)
}

func TestSecureURLValidators(t *testing.T) {
	good := []string{
		"https://login.example.com/", "https://login.example.com:8443/oauth2/v1/token?tenant=x",
		"HTTPS://login.example.com/", "http://localhost:8080/token", "http://LOCALHOST/", "http://127.0.0.1/x",
		"http://127.8.9.10:9000/", "http://[::1]:8080/authorize",
	}
	bad := map[string]string{
		"http://login.example.com/":       "it uses plain http towards login.example.com, which is not a loopback host",
		"http://10.0.0.1/":                "towards 10.0.0.1, which is not a loopback host",
		"http://localhost.example.com/":   "towards localhost.example.com, which is not a loopback host",
		"http://[::2]/":                   "towards ::2, which is not a loopback host",
		"ftp://login.example.com/":        "its scheme is ftp",
		"javascript:alert(1)":             "it is not an absolute URL",
		"login.example.com/token":         "it is not an absolute URL",
		"/token":                          "it is not an absolute URL",
		"localhost:8080/token":            "it is not an absolute URL",
		"https:///token":                  "it has no host",
		"https://user:pw@login.example/":  "it carries credentials (user:password@)",
		"https://user@login.example/":     "it carries credentials",
		"https://login.example.com/ x":    "it contains white space or control characters",
		"https://login.example.com/\n":    "it contains white space or control characters",
		"https://login.example.com/%zz":   "it is not a valid URL",
		"https://[::1/":                   "it is not a valid URL",
		"http://127.0.0.1.example.com/x":  "not a loopback host",
		"https://login.example.com\t/tok": "white space",
	}
	checkString(t, secureURL(), "token_url", good, bad)
	for _, b := range []string{"http://login.example.com/"} {
		errs := validateString(secureURL(), "token_url", b)
		want := `Attribute token_url must be an absolute https URL (plain http only towards a loopback host: localhost, 127.0.0.1 or ::1), such as https://login.example.com/path; got "http://login.example.com/": it uses plain http`
		if len(errs) != 1 || !strings.HasPrefix(errs[0], want) {
			t.Errorf("message %q, want it to start with %q", errs, want)
		}
	}
	// An identity provider URL may have a fragment; a redirect URI may not.
	checkString(t, secureURL(), "jwks_url", []string{"https://login.example.com/keys#main"}, nil)
	redirectBad := map[string]string{
		"https://app.example.com/callback#done": "it has a fragment (#...), which a redirect URI must not have (RFC 6749, 3.1.2)",
		"https://app.example.com/callback#":     "it has a fragment",
	}
	for b, w := range bad {
		redirectBad[b] = w
	}
	checkString(t, redirectURI(), "redirect_uri", append(good, "https://app.example.com/callback?state=1"), redirectBad)
}

func TestSingleLineValidator(t *testing.T) {
	checkString(t, singleLine(), "name",
		[]string{"Blue Brand", "Café — ☕ 東京", "O'Brien & Sons (EU)", "a\u00a0b", " leading and trailing "},
		map[string]string{
			"Blue\nBrand": "Attribute name must be printable text on one line: control characters such as newline, tab or NUL are not allowed; found a newline (U+000A) at character 5.",
			"\tBlue":      "found a tab (U+0009) at character 1.",
			"Blue\r":      "found a carriage return (U+000D) at character 5.",
			"Blue\x00":    "found NUL (U+0000) at character 5.",
			"Blue\x7f":    "found DEL (U+007F) at character 5.",
			"Bl\x1bue":    "found the control character U+001B at character 3.",
			"Bl\u0085ue":  "found the control character U+0085 at character 3.",
			"Café\n":      "at character 5.", // characters, not bytes
		})
}

func TestTimeZoneValidator(t *testing.T) {
	checkString(t, timeZone(), "time_zone",
		[]string{"Europe/Rome", "America/New_York", "UTC", "Etc/GMT+2", "Asia/Kolkata", "America/Argentina/Buenos_Aires"},
		map[string]string{
			"Mars/Olympus_Mons": `Attribute time_zone must be an IANA time zone name such as Europe/Rome, America/New_York or UTC; got "Mars/Olympus_Mons", which is not in the time zone database.`,
			"Local":             `got "Local", which names the time zone of the machine running Terraform, not one the API knows.`,
			"Rome":              "which is not in the time zone database",
			"+01:00":            "which is not in the time zone database",
			"../etc/passwd":     "which is not in the time zone database",
			"/etc/localtime":    "which is not in the time zone database",
			"":                  "which is not in the time zone database",
		})
}

func TestMetadataValuesValidator(t *testing.T) {
	validate := func(elems map[string]attr.Value) []string {
		resp := &validator.MapResponse{}
		metadataValues{}.ValidateMap(context.Background(), validator.MapRequest{
			Path: path.Root("metadata"), ConfigValue: types.MapValueMust(types.StringType, elems),
		}, resp)
		var out []string
		for _, d := range resp.Diagnostics.Errors() {
			withPath, ok := d.(interface{ Path() path.Path })
			if !ok {
				out = append(out, "(no path) | "+d.Detail())
				continue
			}
			out = append(out, withPath.Path().String()+" | "+d.Detail())
		}
		return out
	}
	if errs := validate(map[string]attr.Value{"a": types.StringValue(""), "b": types.StringUnknown()}); len(errs) > 0 {
		t.Errorf("empty and unknown values are fine, got %q", errs)
	}
	errs := validate(map[string]attr.Value{"a": types.StringNull(), "b": types.StringValue("x"), "c": types.StringNull()})
	want := []string{
		`metadata["a"] | Attribute metadata["a"] is null, but metadata values must be strings ("" for an empty one): give it a string, or remove the key.`,
		`metadata["c"] | Attribute metadata["c"] is null, but metadata values must be strings ("" for an empty one): give it a string, or remove the key.`,
	}
	if strings.Join(errs, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}
}

// Every matcher takes the kind of value the Core API expects for it.
func TestFilterValueKinds(t *testing.T) {
	want := map[filterValueKind][]string{
		filterList:    {"in", "not_in", "in_or_null", "not_in_or_null", "eq_any", "not_eq_all", "cont_any", "matches_all", "not_i_cont_any"},
		filterObject:  {"jcont"},
		filterBoolean: {"null", "not_null", "present", "blank", "true", "not_true", "false", "not_false"},
		filterScalar:  {"eq", "eq_or_null", "not_eq", "not_eq_or_null", "lt", "lteq", "gt", "gteq", "matches", "does_not_match", "start", "not_start", "end", "not_end", "cont", "not_cont", "i_cont", "not_i_cont"},
	}
	seen := map[string]bool{}
	for kind, matchers := range want {
		for _, m := range matchers {
			seen[m] = true
			if got := filterKind(m); got != kind {
				t.Errorf("filterKind(%q) = %v, want %v", m, got, kind)
			}
		}
	}
	for _, m := range filterMatchers {
		if !seen[m] {
			t.Errorf("matcher %q has no expected kind in this test", m)
		}
	}
	// The longer matchers win over the ones they end with.
	for key, matcher := range map[string]string{
		"market_id_in_or_null": "in_or_null", "market_id_not_in_or_null": "not_in_or_null",
		"reference_not_null": "not_null", "status_eq_or_null": "eq_or_null",
	} {
		if got, ok := parseFilterKey(key); !ok || got != matcher {
			t.Errorf("parseFilterKey(%q) = %q, want %q", key, got, matcher)
		}
	}
}

func TestFiltersValidationByMatcher(t *testing.T) {
	valid := []string{
		`{"market_id_in":[202,"203"],"tag_eq_any":[true],"name_cont_all":["a","b"],"market_id_not_in_or_null":[1]}`,
		`{"reference_null":true,"reference_not_null":false,"reference_present":"true","reference_blank":"false"}`,
		`{"archived_true":true,"archived_not_true":false,"archived_false":true,"archived_not_false":"false"}`,
		`{"status_eq":"placed","total_gt":10.5,"paid_eq":false,"number_start":"BB","metadata_jcont":{"a":[1,{"b":null}]}}`,
		`{"metadata_jcont":{}}`,
	}
	for _, doc := range valid {
		if errs := validateFilters(t, fromJSON(t, doc)); len(errs) > 0 {
			t.Errorf("%s: unexpected errors %q", doc, errs)
		}
	}
	invalid := map[string]string{
		`{"market_id_in":[]}`:              `filters: the value of "market_id_in" must be a list of one or more strings, numbers or booleans, such as [202, 203]: _in takes a set of values; got an empty list.`,
		`{"market_id_in":[[1],[2]]}`:       `_in takes a set of values; element 0 is a list.`,
		`{"market_id_not_in":[1,{"a":1}]}`: `_not_in takes a set of values; element 1 is an object.`,
		`{"market_id_in":[1,null]}`:        `element 1 is null.`,
		`{"name_cont_any":"a,b"}`:          `_cont_any takes a set of values; got a string ("a,b").`,
		`{"tag_eq_all":{"a":1}}`:           `_eq_all takes a set of values; got an object.`,
		`{"market_id_in_or_null":1}`:       `_in_or_null takes a set of values; got a number.`,
		`{"status_eq":{"a":1}}`:            `filters: the value of "status_eq" must be one string, number or boolean, such as "placed" or 202; got an object.`,
		`{"status_eq":["placed"]}`:         `"status_eq" must be one string, number or boolean, such as "placed" or 202; got a list.`,
		`{"status_eq":null}`:               `"status_eq" must be one string, number or boolean, such as "placed" or 202; got null.`,
		`{"total_gt":[1]}`:                 `"total_gt" must be one string, number or boolean`,
		`{"metadata_jcont":"a"}`:           `filters: the value of "metadata_jcont" must be an object, the JSON document the attribute must contain, such as { source = "erp" }; got a string ("a").`,
		`{"metadata_jcont":[{"a":1}]}`:     `"metadata_jcont" must be an object`,
		`{"metadata_jcont":null}`:          `"metadata_jcont" must be an object, the JSON document the attribute must contain, such as { source = "erp" }; got null.`,
		`{"reference_null":"yes"}`:         `filters: the value of "reference_null" must be true or false: _null asks a yes-or-no question (e.g. reference_null = true); got a string ("yes").`,
		`{"reference_not_null":1}`:         `_not_null asks a yes-or-no question (e.g. reference_null = true); got a number.`,
		`{"reference_blank":[true]}`:       `_blank asks a yes-or-no question (e.g. reference_null = true); got a list.`,
		`{"archived_false":null}`:          `_false asks a yes-or-no question (e.g. reference_null = true); got null.`,
		`{"archived_true":"TRUE"}`:         `_true asks a yes-or-no question`,
	}
	for doc, want := range invalid {
		errs := validateFilters(t, fromJSON(t, doc))
		if len(errs) != 1 || !strings.Contains(errs[0], want) {
			t.Errorf("%s: want one error containing %q, got %q", doc, want, errs)
		}
	}
	// HCL values: a set and a list of numbers are lists too; an unknown
	// element says nothing yet, a known bad one still fails.
	ok := hclObject(t, map[string]attr.Value{
		"market_id_in":     types.SetValueMust(types.NumberType, []attr.Value{num(1)}),
		"market_id_not_in": hclTuple(t, num(1), types.DynamicUnknown()),
		"status_eq":        types.DynamicUnknown(),
	})
	if errs := validateFilters(t, ok); len(errs) > 0 {
		t.Errorf("unexpected errors %q", errs)
	}
	bad := hclObject(t, map[string]attr.Value{"market_id_in": hclTuple(t, types.DynamicUnknown(), hclTuple(t, num(1)))})
	if errs := validateFilters(t, bad); len(errs) != 1 || !strings.Contains(errs[0], "element 1 is a list") {
		t.Errorf("want an error for element 1, got %q", errs)
	}
}

// The plan of filters: null without configuration, the state's value when
// the configuration means the same, the configuration otherwise.
func TestFiltersPlanModifier(t *testing.T) {
	state := fromJSON(t, `{"market_id_in":[202,203],"status_eq":"placed"}`)
	reordered := hclObject(t, map[string]attr.Value{"status_eq": str("placed"), "market_id_in": hclTuple(t, str("203"), num(202))})
	changed := hclObject(t, map[string]attr.Value{"status_eq": str("placed"), "market_id_in": hclTuple(t, num(202), num(204))})
	unknown := filtersValue{DynamicValue: types.DynamicUnknown()}
	partlyUnknown := hclObject(t, map[string]attr.Value{"market_id_in": hclTuple(t, num(202), types.DynamicUnknown())})
	cases := []struct {
		name                string
		config, state, want filtersValue
	}{
		{"removed", filtersNull(), state, filtersNull()},
		{"never set", filtersNull(), filtersNull(), filtersNull()},
		{"created", changed, filtersNull(), changed},
		{"same meaning", reordered, state, state},
		{"changed", changed, state, changed},
		{"not known yet", unknown, state, unknown},
		{"partly unknown", partlyUnknown, state, partlyUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			config, _ := c.config.ToDynamicValue(context.Background())
			prior, _ := c.state.ToDynamicValue(context.Background())
			resp := &planmodifier.DynamicResponse{PlanValue: types.DynamicUnknown()}
			filtersPlan{}.PlanModifyDynamic(context.Background(), planmodifier.DynamicRequest{
				Path: pathFilters, ConfigValue: config, StateValue: prior, PlanValue: types.DynamicUnknown(),
			}, resp)
			want, _ := c.want.ToDynamicValue(context.Background())
			if resp.Diagnostics.HasError() || !resp.PlanValue.Equal(want) {
				t.Errorf("planned %v (%v), want %v", resp.PlanValue, resp.Diagnostics, want)
			}
		})
	}
}
