package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The census of bad input: every argument of every surface of the provider
// (provider block, resources, data sources, list resources, the ephemeral
// resource, actions), taken from the provider's own schemas, is given a
// class, and every class a list of values that are wrong for it. Each
// (argument, bad value) must be refused when Terraform validates the
// configuration, by an error that points at the argument and names it.
// The table is fed to the provider twice: through the plugin protocol
// (TestBadInputCensus, no CLI needed) and through a real Terraform CLI
// (TestAccBadInputCensusCLI, one `terraform validate` of all of them).

// censusNum is a number written as HCL would (7200.5).
type censusNum string

// censusNull is a map whose values are all null.
type censusNullMap []string

// censusCase is one bad input.
type censusCase struct {
	surface string // provider, resource, data, list, ephemeral, action
	typ     string // the type without the provider prefix ("" for the provider)
	attr    string
	class   string
	value   any // string, censusNum, []string (set or list), map[string]string, censusNullMap
}

func (c censusCase) String() string {
	return fmt.Sprintf("%s %s.%s = %s", c.surface, c.typ, c.attr, shorten(hclValue(c.value)))
}

func shorten(s string) string {
	if len(s) > 60 {
		return fmt.Sprintf("%s…(%d characters)", s[:40], len(s))
	}
	return s
}

// censusClasses are the bad values of each class of argument.
var censusClasses = func() map[string][]any {
	long := strings.Repeat("x", 10240)
	longURL := "https://cdn.example/" + strings.Repeat("a", 3000)
	label64 := strings.Repeat("a", 64)
	return map[string][]any{
		// API ids are 10 letters and digits; these would change the path
		// of a request, or can be no object's id.
		"id": {"abc/def", "abc def", "", "abc%2Fdef"},
		// Enums: a typo, the right word in the wrong case, nothing, white space.
		"enum": {"weird", "", "<upper>", " <first>"},
		// Text people give: nothing, a 10 kB paste, two lines.
		"text":  {"", long, "two\nlines"},
		"phone": {"", long, "call us", "+39 02\n1234"},
		"email": {"", "<ada@example.com>", "Ada <ada@example.com>", "ada@example", "ada@example..com", "ada @example.com"},
		"url":   {"", "not a url", "http://cdn.example/x", longURL},
		// OpenID Connect: the issuer has no query and no fragment.
		"issuer":   {"", "http://sso.example/", "https://sso.example/?tenant=1", "https://sso.example/#x", longURL},
		"base_url": {"", "ftp://provisioning.example", "http://provisioning.example", "https://provisioning.example/?x=1"},
		"gtm":      {"", "UA-12345-1", "GTM 5FJXX6", "gtm-5fjxx6"},
		"color":    {"", "red", "#FFF"},
		"region":   {"", "mars-1", "EU-WEST-1", "eu west 1"},
		"slug":     {"", "The Blue Brand", "the_blue_brand"},
		"subject":  {"", "Orders", "line items"},
		"kind":     {"", "Sales Channel", "integration "},
		"tz":       {"", "Mars/Olympus_Mons", "Local"},
		"json":     {"[1, 2]", "42", `"text"`, "{"},
		"domains":  {[]string{}, []string{"Acme.example"}, []string{label64 + ".example"}, []string{"-acme.example"}, []string{""}},
		"lifetime": {censusNum("7200.5"), censusNum("7199"), censusNum("31536001")},
		"version":  {censusNum("1.5")},
		// OAuth 2.0 client secrets and ids are printable ASCII (RFC 6749, A.1
		// and A.2): a trailing newline (file()) or a typographic character
		// is a copy mistake.
		"secret":    {"", "s3cret\n", "sécret"},
		"client_id": {"", "client\n", "clïent"},
		// Provider credentials: an empty string is never meant.
		"credential": {""},
		"time":       {"", "yesterday", "2026-13-01T00:00:00Z"},
		"metadata":   {map[string]string{}, censusNullMap{"a"}},
		"id_set":     {[]string{"abc/def"}, []string{"abc def"}, []string{""}, []string{"abc%2Fdef"}, []string{}},
	}
}()

// censusNone are the arguments without a bad value to try, and why.
var censusNone = map[string]string{
	"bool":              "booleans: Terraform's type system refuses anything else",
	"filters":           "filter predicates: TestAccBadInputsCaughtAtPlan and TestFiltersValidationByMatcher",
	"resend_invitation": "a trigger: any value, never sent to the API",
}

// censusEnums are the allowed values of each enum argument, for the
// "<upper>" and " <first>" variants.
var censusEnums = map[string][]string{
	"mode": {"test", "live"}, "access_scope": accessScopes, "status": {"pending"}, "kind": {"admin"},
	"entity_type": {"membership"}, "event": {"update"}, "resource_type": {"roles"},
}

// censusClass is the class of an argument, from its name and type.
func censusClass(surface, typ, attr string, t tftypes.Type) string {
	switch {
	case t.Is(tftypes.Bool):
		return "bool"
	case t.Is(tftypes.DynamicPseudoType):
		return "filters"
	case t.Is(tftypes.Map{ElementType: tftypes.String}):
		return "metadata"
	case attr == "entity_ids":
		return "id_set"
	case attr == "domains":
		return "domains"
	case surface == "provider" && (attr == "api_url" || attr == "auth_url"):
		return "base_url"
	case surface == "provider":
		return "credential"
	case attr == "client_id" && typ == "identity_provider":
		return "client_id"
	case attr == "client_secret" || attr == "client_secret_wo":
		return "secret"
	case attr == "gtm_id" || attr == "gtm_id_test":
		return "gtm"
	case attr == "id" || strings.HasSuffix(attr, "_id"):
		return "id"
	case attr == "kind" && typ != "api_credential" && typ != "api_credentials":
		return "enum"
	}
	switch attr {
	case "mode", "access_scope", "status", "entity_type", "event", "resource_type":
		return "enum"
	case "name", "name_contains", "reference", "reference_origin", "first_name", "last_name", "organization", "user_email_contains":
		return "text"
	case "user_email", "support_email", "new_owner_email":
		return "email"
	case "logo_url", "favicon_url", "redirect_uri", "token_url", "authorize_url", "jwks_url":
		return "url"
	case "support_phone":
		return "phone"
	case "issuer", "region", "slug", "subject", "kind":
		return attr
	case "primary_color", "contrast_color":
		return "color"
	case "time_zone":
		return "tz"
	case "config":
		return "json"
	case "expires_in":
		return "lifetime"
	case "client_secret_wo_version":
		return "version"
	case "created_after":
		return "time"
	case "resend_invitation":
		return "resend_invitation"
	}
	return ""
}

// censusSchemas are the argument types of every surface, by surface and type.
type censusSurface struct {
	surface, typ string
	object       tftypes.Object
	args         map[string]tftypes.Type // optional or required attributes
}

func censusSurfaces(t *testing.T) []censusSurface {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var out []censusSurface
	add := func(surface, name string, s *tfprotov6.Schema) {
		obj, ok := s.ValueType().(tftypes.Object)
		if !ok {
			t.Fatalf("%s %s: schema type %T", surface, name, s.ValueType())
		}
		args := map[string]tftypes.Type{}
		for _, a := range s.Block.Attributes {
			if a.Optional || a.Required {
				args[a.Name] = a.Type
			}
		}
		out = append(out, censusSurface{surface: surface, typ: strings.TrimPrefix(strings.TrimPrefix(name, "clprovisioning"), "_"), object: obj, args: args})
	}
	add("provider", "", resp.Provider)
	for _, m := range []struct {
		surface string
		schemas map[string]*tfprotov6.Schema
	}{
		{"resource", resp.ResourceSchemas}, {"data", resp.DataSourceSchemas},
		{"list", resp.ListResourceSchemas}, {"ephemeral", resp.EphemeralResourceSchemas},
	} {
		for _, name := range slices.Sorted(maps.Keys(m.schemas)) {
			add(m.surface, name, m.schemas[name])
		}
	}
	for _, name := range slices.Sorted(maps.Keys(resp.ActionSchemas)) {
		add("action", name, resp.ActionSchemas[name].Schema)
	}
	return out
}

// censusCases is the census: every argument, every bad value of its class.
func censusCases(t *testing.T) []censusCase {
	t.Helper()
	var cases []censusCase
	for _, s := range censusSurfaces(t) {
		for _, attr := range slices.Sorted(maps.Keys(s.args)) {
			class := censusClass(s.surface, s.typ, attr, s.args[attr])
			if _, none := censusNone[class]; none {
				continue
			}
			values, ok := censusClasses[class]
			if !ok {
				t.Errorf("%s %s: argument %s has no class in the census: give it one", s.surface, s.typ, attr)
				continue
			}
			for _, v := range values {
				if str, ok := v.(string); ok && class == "enum" {
					first := censusEnums[attr][0]
					switch str {
					case "<upper>":
						v = strings.ToUpper(first)
					case " <first>":
						v = " " + first
					}
				}
				cases = append(cases, censusCase{surface: s.surface, typ: s.typ, attr: attr, class: class, value: v})
			}
		}
	}
	return cases
}

// tfValue builds a value of type t from a census value.
func tfValue(t tftypes.Type, v any) (tftypes.Value, error) {
	switch x := v.(type) {
	case string:
		return tftypes.NewValue(tftypes.String, x), nil
	case float64:
		return tftypes.NewValue(tftypes.Number, big.NewFloat(x)), nil
	case censusNum:
		f, _, err := big.ParseFloat(string(x), 10, 512, big.ToNearestEven)
		if err != nil {
			return tftypes.Value{}, err
		}
		return tftypes.NewValue(tftypes.Number, f), nil
	case []string:
		var elems []tftypes.Value
		for _, s := range x {
			elems = append(elems, tftypes.NewValue(tftypes.String, s))
		}
		return tftypes.NewValue(t, elems), nil
	case map[string]string:
		elems := map[string]tftypes.Value{}
		for k, s := range x {
			elems[k] = tftypes.NewValue(tftypes.String, s)
		}
		return tftypes.NewValue(t, elems), nil
	case censusNullMap:
		elems := map[string]tftypes.Value{}
		for _, k := range x {
			elems[k] = tftypes.NewValue(tftypes.String, nil)
		}
		return tftypes.NewValue(t, elems), nil
	}
	return tftypes.Value{}, fmt.Errorf("census value %T", v)
}

// protocolConfig is an object of the surface's type, null but for the
// census case's argument.
func protocolConfig(s censusSurface, c censusCase) (*tfprotov6.DynamicValue, error) {
	vals := map[string]tftypes.Value{}
	for name, typ := range s.object.AttributeTypes {
		vals[name] = tftypes.NewValue(typ, nil)
	}
	for name, raw := range censusContext(c) {
		if raw == "" {
			continue
		}
		var x any
		if err := json.Unmarshal([]byte(raw), &x); err != nil {
			return nil, fmt.Errorf("valid argument %s = %s: %w", name, raw, err)
		}
		if l, ok := x.([]any); ok {
			var strs []string
			for _, e := range l {
				strs = append(strs, fmt.Sprint(e))
			}
			x = strs
		}
		v, err := tfValue(s.object.AttributeTypes[name], x)
		if err != nil {
			return nil, err
		}
		vals[name] = v
	}
	if c.value != nil {
		v, err := tfValue(s.object.AttributeTypes[c.attr], c.value)
		if err != nil {
			return nil, err
		}
		vals[c.attr] = v
	}
	dv, err := tfprotov6.NewDynamicValue(s.object, tftypes.NewValue(s.object, vals))
	return &dv, err
}

// validateThroughProtocol sends the case's configuration to the provider's
// validation call for its surface.
func validateThroughProtocol(ctx context.Context, server tfprotov6.ProviderServer, s censusSurface, c censusCase) ([]*tfprotov6.Diagnostic, error) {
	cfg, err := protocolConfig(s, c)
	if err != nil {
		return nil, err
	}
	name := "clprovisioning_" + c.typ
	switch c.surface {
	case "provider":
		r, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: cfg})
		if err != nil {
			return nil, err
		}
		return r.Diagnostics, nil
	case "resource":
		r, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: name, Config: cfg,
			ClientCapabilities: &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: true}})
		if err != nil {
			return nil, err
		}
		return r.Diagnostics, nil
	case "data":
		r, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: name, Config: cfg})
		if err != nil {
			return nil, err
		}
		return r.Diagnostics, nil
	case "list":
		ls, ok := server.(tfprotov6.ListResourceServer)
		if !ok {
			return nil, fmt.Errorf("the provider server serves no list resources")
		}
		r, err := ls.ValidateListResourceConfig(ctx, &tfprotov6.ValidateListResourceConfigRequest{TypeName: name, Config: cfg})
		if err != nil {
			return nil, err
		}
		return r.Diagnostics, nil
	case "ephemeral":
		r, err := server.ValidateEphemeralResourceConfig(ctx, &tfprotov6.ValidateEphemeralResourceConfigRequest{TypeName: name, Config: cfg})
		if err != nil {
			return nil, err
		}
		return r.Diagnostics, nil
	case "action":
		as, ok := server.(tfprotov6.ActionServer)
		if !ok {
			return nil, fmt.Errorf("the provider server serves no actions")
		}
		r, err := as.ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: name, Config: cfg})
		if err != nil {
			return nil, err
		}
		return r.Diagnostics, nil
	}
	return nil, fmt.Errorf("surface %q", c.surface)
}

// internalErrors are the framework's words for a value it could not read:
// a provider bug as far as the user can tell, not a refusal.
var internalErrors = []string{"Value Conversion Error", "Configuration Read Error", "Missing Configuration for Required Attribute"}

// refusedAtArgument tells whether an error points at the argument (or an
// element of it), other than the framework's internal errors.
func refusedAtArgument(diags []*tfprotov6.Diagnostic, attr string) bool {
	for _, d := range diags {
		if d.Severity != tfprotov6.DiagnosticSeverityError || d.Attribute == nil ||
			slices.ContainsFunc(internalErrors, func(e string) bool { return strings.Contains(d.Summary, e) }) {
			continue
		}
		if steps := d.Attribute.Steps(); len(steps) > 0 && steps[0] == tftypes.AttributeName(attr) {
			return true
		}
	}
	return false
}

// censusReport counts refused inputs by class and lists the others.
func censusReport(t *testing.T, cases []censusCase, refused func(int) bool) (missed []string) {
	t.Helper()
	byClass := map[string][2]int{}
	for i, c := range cases {
		n := byClass[c.class]
		n[0]++
		if refused(i) {
			n[1]++
		} else {
			missed = append(missed, c.String())
		}
		byClass[c.class] = n
	}
	var lines []string
	total := 0
	for _, class := range slices.Sorted(maps.Keys(byClass)) {
		n := byClass[class]
		total += n[1]
		lines = append(lines, fmt.Sprintf("  %-10s %3d/%3d refused", class, n[1], n[0]))
	}
	t.Logf("census: %d classes, %d bad inputs, %d refused at validation, %d accepted:\n%s",
		len(byClass), len(cases), total, len(cases)-total, strings.Join(lines, "\n"))
	return missed
}

// Every bad input of the census is refused by the provider's validation,
// at the argument.
func TestBadInputCensus(t *testing.T) {
	ctx := context.Background()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	surfaces := map[string]censusSurface{}
	for _, s := range censusSurfaces(t) {
		surfaces[s.surface+" "+s.typ] = s
	}
	cases := censusCases(t)
	results := make([]bool, len(cases))
	for i, c := range cases {
		diags, err := validateThroughProtocol(ctx, server, surfaces[c.surface+" "+c.typ], c)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		results[i] = refusedAtArgument(diags, c.attr)
		// The control: without the bad value, nothing is refused there.
		control := c
		control.value = nil
		cdiags, err := validateThroughProtocol(ctx, server, surfaces[c.surface+" "+c.typ], control)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if refusedAtArgument(cdiags, c.attr) {
			t.Errorf("%s: the configuration is refused at %s without the bad value too: %v", c, c.attr, cdiags)
		}
		if !results[i] && len(diags) > 0 && testing.Verbose() {
			for _, d := range diags {
				t.Logf("%s: %v %q %q at %v", c, d.Severity, d.Summary, shorten(d.Detail), d.Attribute)
			}
		}
	}
	if missed := censusReport(t, cases, func(i int) bool { return results[i] }); len(missed) > 0 {
		t.Errorf("%d bad inputs pass validation:\n  %s", len(missed), strings.Join(missed, "\n  "))
	}
}

// censusGood are values of each class that must pass: the census must
// not refuse what the API takes.
var censusGood = map[string][]any{
	"id":        {"XGZwpOSrWL", "org1234567", "a-b_c"},
	"enum":      {"<first>"},
	"text":      {"Blue Brand — Café ☕", strings.Repeat("é", 255), "O'Brien & Sons (EU)"},
	"phone":     {"+39 02 1234 5678", "(555) 010-9999 ext. 12", "1-800-FLOWERS"},
	"email":     {"jane@example.com", "a.b+c@sub.example.co.uk", "josé@café.example", "o'brien@xn--bcher-kva.example"},
	"url":       {"https://cdn.example/logo.svg?v=2", "http://localhost:8080/x", "https://cdn.example/" + strings.Repeat("a", 2000)},
	"issuer":    {"https://sso.example/", "https://login.example.com/tenant/v2.0", "http://127.0.0.1:8080/"},
	"base_url":  {"https://provisioning.commercelayer.io", "https://proxy.example/base/", "http://127.0.0.1:9999"},
	"gtm":       {"GTM-5FJXX6", "GTM-ABCD1234"},
	"color":     {"#C8984E", "#ffffcc"},
	"region":    {"eu-west-1", "us-east-1", "ap-southeast-2", "us-gov-west-1"},
	"slug":      {"the-blue-brand", "brand2", "a"},
	"subject":   {"orders", "line_items", "skus"},
	"kind":      {"sales_channel", "integration", "webapp", "orders", "gift_cards", "resources"},
	"tz":        {"Europe/Rome", "UTC"},
	"json":      {"{}", `{"mfe":{"default":{}}}`},
	"domains":   {[]string{"acme.example"}, []string{"a.b.c.example", "xn--bcher-kva.example"}, []string{strings.Repeat("a", 63) + ".example"}},
	"lifetime":  {censusNum("7200"), censusNum("31536000"), censusNum("14400.0")},
	"version":   {censusNum("1"), censusNum("20260101")},
	"secret":    {"s3cr3t-~._!@#$%^&*()", "with spaces inside"},
	"client_id": {"0oa1b2c3d4E5F6g7H8i9", "my-app.example.com"},
	"time":      {"2026-11-01T00:00:00Z", "2026-11-01T09:30:00+01:00", "2026-11-01T09:30:00.123Z"},
	"metadata":  {map[string]string{"a": "", "b": "x"}},
	"id_set":    {[]string{"XGZwpOSrWL", "mem1234567"}},
}

// What the API takes passes the same validation: no error at the argument.
func TestGoodInputCensus(t *testing.T) {
	ctx := context.Background()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range censusSurfaces(t) {
		for _, attr := range slices.Sorted(maps.Keys(s.args)) {
			class := censusClass(s.surface, s.typ, attr, s.args[attr])
			if _, none := censusNone[class]; none || class == "credential" {
				continue
			}
			good, ok := censusGood[class]
			if !ok {
				t.Errorf("class %s has no good values", class)
				continue
			}
			for _, v := range good {
				if v == "<first>" {
					v = censusEnums[attr][0]
				}
				c := censusCase{surface: s.surface, typ: s.typ, attr: attr, class: class, value: v}
				diags, err := validateThroughProtocol(ctx, server, s, c)
				if err != nil {
					t.Fatalf("%s: %v", c, err)
				}
				n++
				if refusedAtArgument(diags, attr) {
					for _, d := range diags {
						t.Errorf("%s: refused: %s: %s", c, d.Summary, d.Detail)
					}
				}
			}
		}
	}
	t.Logf("%d good inputs pass", n)
}

// hclValue writes a census value in HCL.
func hclValue(v any) string {
	switch x := v.(type) {
	case string:
		return hclString(x)
	case censusNum:
		return string(x)
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = hclString(s)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]string:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			parts = append(parts, fmt.Sprintf("%s = %s", hclString(k), hclString(x[k])))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case censusNullMap:
		var parts []string
		for _, k := range x {
			parts = append(parts, hclString(k)+" = null")
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("%v", v)
}

// hclString quotes a string for HCL: its escapes, and no templates.
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// censusConfig writes every case of the surfaces given as one
// configuration, each in a block of its own, and returns the line of each
// case's argument.
func censusConfig(cases []censusCase, surfaces map[string]bool) (string, map[int]int) {
	var b strings.Builder
	lines := map[int]int{}
	line := 1
	write := func(s string) {
		b.WriteString(s)
		line += strings.Count(s, "\n")
	}
	for i, c := range cases {
		if !surfaces[c.surface] || c.surface == "list" { // list blocks: a .tfquery.hcl file
			continue
		}
		name := fmt.Sprintf("c%d", i)
		args := censusContext(c)
		switch c.surface {
		case "provider":
			write(fmt.Sprintf("provider \"clprovisioning\" {\n  alias = %q\n", name))
		case "resource":
			write(fmt.Sprintf("resource \"clprovisioning_%s\" %q {\n", c.typ, name))
		case "data":
			write(fmt.Sprintf("data \"clprovisioning_%s\" %q {\n", c.typ, name))
		case "ephemeral":
			write(fmt.Sprintf("ephemeral \"clprovisioning_%s\" %q {\n", c.typ, name))
		case "action":
			write(fmt.Sprintf("action \"clprovisioning_%s\" %q {\n  config {\n", c.typ, name))
		}
		for _, k := range slices.Sorted(maps.Keys(args)) {
			if args[k] != "" {
				write(fmt.Sprintf("  %s = %s\n", k, args[k]))
			}
		}
		lines[i] = line
		write(fmt.Sprintf("  %s = %s\n", c.attr, hclValue(c.value)))
		if c.surface == "action" {
			write("  }\n")
		}
		write("}\n")
		if c.surface == "provider" {
			// Used, so that Terraform validates it.
			write(fmt.Sprintf("data \"clprovisioning_user\" %q {\n  provider = clprovisioning.%s\n}\n", name, name))
		}
	}
	return b.String(), lines
}

// censusContext are the other arguments a case's block needs: a valid
// configuration of its type, less what would conflict with the argument
// under test ("" removes an argument).
func censusContext(c censusCase) map[string]string {
	valid := map[string]map[string]map[string]string{"resource": validArguments, "action": validActionArguments}
	args := maps.Clone(valid[c.surface][c.typ])
	if args == nil {
		args = map[string]string{}
	}
	for k, v := range map[string]map[string]string{
		"application_membership.membership_profile_id": {"membership_id": ""},
		"identity_provider.client_secret_wo":           {"client_secret": "", "client_secret_wo_version": "1"},
		"identity_provider.client_secret_wo_version":   {"client_secret": "", "client_secret_wo": `"w"`},
	}[c.typ+"."+c.attr] {
		args[k] = v
	}
	delete(args, c.attr)
	return args
}

// validActionArguments are a valid configuration of each action.
var validActionArguments = map[string]map[string]string{
	"membership_resend_invitation":      {"membership_id": `"mem1234567"`},
	"organization_transfer_ownership":   {"organization_id": `"org1234567"`, "new_owner_email": `"ada@example.com"`},
	"role_add_missing_base_permissions": {"role_id": `"role123456"`},
}

// validateJSON is `terraform validate -json`.
type validateJSON struct {
	Diagnostics []struct {
		Severity string `json:"severity"`
		Summary  string `json:"summary"`
		Detail   string `json:"detail"`
		Address  string `json:"address"`
		Range    *struct {
			Filename string `json:"filename"`
			Start    struct {
				Line int `json:"line"`
			} `json:"start"`
		} `json:"range"`
	} `json:"diagnostics"`
}

// The census through a real Terraform CLI: one `terraform validate` of a
// configuration holding every bad input, each of which must be refused by
// an error on its own line that names the argument. List resources and
// actions need Terraform 1.14 (older CLIs do not know the blocks): with an
// older CLI, TestBadInputCensus alone covers them.
func TestAccBadInputCensusCLI(t *testing.T) {
	c := newCLI(t)
	c.requireCLI("1.11.0", "1.11.0", "the census has ephemeral blocks and write-only arguments")
	out, _ := c.run("version", "-json")
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &v); err != nil {
		t.Fatalf("terraform version: %v\n%s", err, out)
	}
	surfaces := map[string]bool{"provider": true, "resource": true, "data": true, "ephemeral": true}
	if tv, err := version.NewVersion(v.Version); err == nil && tv.GreaterThanOrEqual(version.Must(version.NewVersion("1.14.0"))) {
		surfaces["action"] = true
		// List blocks live in .tfquery.hcl files, which `terraform
		// validate -query` reads from 1.14 on: written below.
		surfaces["list"] = true
	} else {
		t.Logf("Terraform %s: list resources and actions are covered by TestBadInputCensus only", v.Version)
	}
	cases := censusCases(t)
	main, lines := censusConfig(cases, surfaces)
	c.write("main.tf", main+`
terraform {
  required_providers {
    clprovisioning = { source = "clprovisioning/clprovisioning" }
  }
}
`)
	if surfaces["list"] {
		var q strings.Builder
		for i, cs := range cases {
			if cs.surface == "list" {
				fmt.Fprintf(&q, "list \"clprovisioning_%s\" \"c%d\" {\n  provider = clprovisioning\n  config {\n    %s = %s\n  }\n}\n",
					cs.typ, i, cs.attr, hclValue(cs.value))
			}
		}
		c.write("census.tfquery.hcl", q.String())
	}
	c.must("init", "-input=false", "-no-color")
	args := []string{"validate", "-json", "-no-color"}
	if surfaces["list"] {
		args = append(args, "-query")
	}
	out, _ = c.run(args...)
	if d := os.Getenv("CENSUS_DEBUG_DIR"); d != "" {
		_ = os.WriteFile(filepath.Join(d, "validate.json"), []byte(out), 0o600)
		_ = os.WriteFile(filepath.Join(d, "main.tf"), []byte(main), 0o600)
	}
	var res validateJSON
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &res); err != nil {
		t.Fatalf("terraform validate -json: %v\n%s", err, out)
	}
	// Errors by file and line, and by address (list blocks: Terraform
	// points at the block, the detail names the argument).
	errs, byAddress := map[string][]string{}, map[string][]string{}
	for _, d := range res.Diagnostics {
		if d.Severity != "error" || slices.ContainsFunc(internalErrors, func(e string) bool { return strings.Contains(d.Summary, e) }) {
			continue
		}
		if d.Range != nil {
			key := fmt.Sprintf("%s:%d", d.Range.Filename, d.Range.Start.Line)
			errs[key] = append(errs[key], d.Summary+": "+d.Detail)
		}
		byAddress[d.Address] = append(byAddress[d.Address], d.Summary+": "+d.Detail)
	}
	var run []censusCase
	var refused []bool
	for i, cs := range cases {
		ok := false
		switch l, inMain := lines[i]; {
		case inMain:
			// An error on the argument's own line, which Terraform shows.
			ok = len(errs[fmt.Sprintf("main.tf:%d", l)]) > 0
		case cs.surface == "list" && surfaces["list"]:
			for _, e := range byAddress[fmt.Sprintf("list.clprovisioning_%s.c%d", cs.typ, i)] {
				ok = ok || strings.Contains(e, cs.attr)
			}
		default:
			continue
		}
		run = append(run, cs)
		refused = append(refused, ok)
	}
	if missed := censusReport(t, run, func(i int) bool { return refused[i] }); len(missed) > 0 {
		sort.Strings(missed)
		t.Errorf("%d bad inputs pass `terraform validate`:\n  %s", len(missed), strings.Join(missed, "\n  "))
	}
}
