package provider

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// wrapped matches a phrase of a diagnostic however Terraform wraps its
// lines: each space of the phrase matches any run of white space, and " … "
// stands for text left out.
func wrapped(phrase string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + wrappedPattern(phrase))
}

func wrappedPattern(phrase string) string {
	parts := strings.Split(phrase, " … ")
	for i, part := range parts {
		words := strings.Fields(part)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return strings.Join(parts, `.*`)
}

// validArguments are a valid configuration of each resource, with made-up
// ids: a plan of one creates it without asking the API anything.
var validArguments = map[string]map[string]string{
	"organization":       {"name": `"Org"`},
	"role":               {"organization_id": `"org1234567"`, "name": `"Role"`},
	"membership_profile": {"organization_id": `"org1234567"`, "name": `"Profile"`},
	"api_credential":     {"organization_id": `"org1234567"`, "name": `"App"`, "kind": `"orders"`},
	"membership":         {"organization_id": `"org1234567"`, "role_id": `"role123456"`, "user_email": `"ada@example.com"`},
	"permission":         {"role_id": `"role123456"`, "subject": `"orders"`},
	"user":               {},
	"application_membership": {
		"organization_id": `"org1234567"`, "api_credential_id": `"cred123456"`, "role_id": `"role123456"`,
		"membership_id": `"mem1234567"`,
	},
	"role_assignment": {
		"api_credential_id": `"cred123456"`, "role_id": `"role123456"`, "entity_type": `"membership"`, "entity_ids": `["mem1234567"]`,
	},
	"identity_provider": {
		"name": `"acme-sso"`, "client_id": `"acme-client"`, "client_secret": `"secret"`, "domains": `["acme.example"]`,
		"issuer": `"https://sso.acme.example/"`, "token_url": `"https://sso.acme.example/token"`,
		"authorize_url": `"https://sso.acme.example/authorize"`, "jwks_url": `"https://sso.acme.example/jwks"`,
	},
}

// resourceWith is the configuration of one resource "bad" of the type: its
// valid arguments, with those given set (one per line) on top.
func resourceWith(typ string, args map[string]string) string {
	all := maps.Clone(validArguments[typ])
	maps.Copy(all, args)
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"clprovisioning_%s\" \"bad\" {\n", typ)
	for _, k := range slices.Sorted(maps.Keys(all)) {
		fmt.Fprintf(&b, "  %s = %s\n", k, all[k])
	}
	b.WriteString("}\n")
	return b.String()
}

// badInput is one input that the plan must refuse.
type badInput struct {
	name    string
	typ     string            // resource type without the prefix
	args    map[string]string // the arguments that make it bad (and any it needs beside)
	at      string            // the argument the error must point at (its line is shown)
	summary string
	message string // the detail (" … " for text left out): names the attribute and what is allowed
}

// badInputs are refused by `terraform plan`. All but one used to pass the
// plan and reach the API (or, for null metadata values, fail at apply with a
// value conversion error); "token_url without a host" was refused before
// too, but without saying why.
var badInputs = []badInput{
	// metadata values are strings, never null.
	{name: "metadata null value", typ: "organization", args: map[string]string{"metadata": `{ a = null }`}, at: "metadata",
		summary: "Invalid metadata value", message: `Attribute metadata["a"] is null, but metadata values must be strings`},
	{name: "metadata null among strings", typ: "membership", args: map[string]string{"metadata": `{ a = "x", b = null }`}, at: "metadata",
		summary: "Invalid metadata value", message: `Attribute metadata["b"] is null, but metadata values must be strings`},

	// filters: values by matcher.
	{name: "filters _in empty", typ: "application_membership", args: map[string]string{"filters": `{ market_id_in = [] }`}, at: "filters",
		summary: "Invalid filter value", message: `filters: the value of "market_id_in" must be a list of one or more strings, numbers or booleans, such as [202, 203]: _in takes a set of values; got an empty list.`},
	{name: "filters _in of lists", typ: "application_membership", args: map[string]string{"filters": `{ market_id_in = [[1], [2]] }`}, at: "filters",
		summary: "Invalid filter value", message: `filters: the value of "market_id_in" must be a list of one or more strings, numbers or booleans, such as [202, 203]: _in takes a set of values; element 0 is a list.`},
	{name: "filters _not_in of objects", typ: "application_membership", args: map[string]string{"filters": `{ market_id_not_in = [{ id = 1 }] }`}, at: "filters",
		summary: "Invalid filter value", message: `the value of "market_id_not_in" must be a list of one or more strings, numbers or booleans, such as [202, 203]: _not_in takes a set of values; element 0 is an object.`},
	{name: "filters _in with a null", typ: "application_membership", args: map[string]string{"filters": `{ market_id_in = [202, null] }`}, at: "filters",
		summary: "Invalid filter value", message: `the value of "market_id_in" must be a list of one or more strings, numbers or booleans, such as [202, 203]: _in takes a set of values; element 1 is null.`},
	{name: "filters _any as a comma-separated string", typ: "application_membership", args: map[string]string{"filters": `{ name_cont_any = "red,blue" }`}, at: "filters",
		summary: "Invalid filter value", message: `the value of "name_cont_any" must be a list of one or more strings, numbers or booleans, such as [202, 203]: _cont_any takes a set of values; got a string ("red,blue").`},
	{name: "filters _all empty", typ: "application_membership", args: map[string]string{"filters": `{ tag_eq_all = [] }`}, at: "filters",
		summary: "Invalid filter value", message: `the value of "tag_eq_all" must be a list of one or more strings, numbers or booleans`},
	{name: "filters _in_or_null scalar", typ: "application_membership", args: map[string]string{"filters": `{ market_id_in_or_null = 202 }`}, at: "filters",
		summary: "Invalid filter value", message: `the value of "market_id_in_or_null" must be a list of one or more strings, numbers or booleans, such as [202, 203]: _in_or_null takes a set of values; got a number.`},
	{name: "filters _eq object", typ: "application_membership", args: map[string]string{"filters": `{ status_eq = { a = 1 } }`}, at: "filters",
		summary: "Invalid filter value", message: `filters: the value of "status_eq" must be one string, number or boolean, such as "placed" or 202; got an object.`},
	{name: "filters _eq list", typ: "application_membership", args: map[string]string{"filters": `{ status_eq = ["placed"] }`}, at: "filters",
		summary: "Invalid filter value", message: `the value of "status_eq" must be one string, number or boolean, such as "placed" or 202; got a list. Only the list matchers (_in, _not_in, _in_or_null, _not_in_or_null, _any, _all) take lists, and only _jcont takes an object.`},
	{name: "filters _start null", typ: "application_membership", args: map[string]string{"filters": `{ number_start = null }`}, at: "filters",
		summary: "Invalid filter value", message: `the value of "number_start" must be one string, number or boolean, such as "placed" or 202; got null.`},
	{name: "filters _jcont string", typ: "application_membership", args: map[string]string{"filters": `{ metadata_jcont = "erp" }`}, at: "filters",
		summary: "Invalid filter value", message: `the value of "metadata_jcont" must be an object, the JSON document the attribute must contain, such as { source = "erp" }; got a string ("erp").`},
	{name: "filters _jcont list", typ: "application_membership", args: map[string]string{"filters": `{ metadata_jcont = ["erp"] }`}, at: "filters",
		summary: "Invalid filter value", message: `the value of "metadata_jcont" must be an object`},
	{name: "filters _null not a boolean", typ: "application_membership", args: map[string]string{"filters": `{ reference_null = "yes" }`}, at: "filters",
		summary: "Invalid filter value", message: `the value of "reference_null" must be true or false: _null asks a yes-or-no question (e.g. reference_null = true); got a string ("yes").`},
	{name: "filters _present a number", typ: "application_membership", args: map[string]string{"filters": `{ reference_present = 1 }`}, at: "filters",
		summary: "Invalid filter value", message: `the value of "reference_present" must be true or false: _present asks a yes-or-no question`},
	{name: "filters _not_true a list", typ: "application_membership", args: map[string]string{"filters": `{ archived_not_true = [true] }`}, at: "filters",
		summary: "Invalid filter value", message: `the value of "archived_not_true" must be true or false`},
	{name: "role assignment filters _in empty", typ: "role_assignment", args: map[string]string{"filters": `{ market_id_in = [] }`}, at: "filters",
		summary: "Invalid filter value", message: `filters: the value of "market_id_in" must be a list of one or more strings, numbers or booleans`},
	{name: "role assignment filters _eq object", typ: "role_assignment", args: map[string]string{"filters": `{ status_eq = { a = 1 } }`}, at: "filters",
		summary: "Invalid filter value", message: `filters: the value of "status_eq" must be one string, number or boolean`},

	// Identity provider URLs: https, plain http only towards loopback.
	{name: "issuer plain http", typ: "identity_provider", args: map[string]string{"issuer": `"http://sso.acme.example/"`}, at: "issuer",
		summary: "Invalid URL", message: `Attribute issuer must be an absolute https URL (plain http only towards a loopback host: localhost, 127.0.0.1 or ::1), without a query or fragment, such as https://login.example.com/; got "http://sso.acme.example/": it uses plain http towards sso.acme.example, which is not a loopback host.`},
	{name: "token_url plain http", typ: "identity_provider", args: map[string]string{"token_url": `"http://sso.acme.example/token"`}, at: "token_url",
		summary: "Invalid URL", message: `Attribute token_url must be an absolute https URL (plain http only towards a loopback host`},
	{name: "authorize_url plain http to a private address", typ: "identity_provider", args: map[string]string{"authorize_url": `"http://10.0.0.1/authorize"`}, at: "authorize_url",
		summary: "Invalid URL", message: `Attribute authorize_url must be an absolute https URL … got "http://10.0.0.1/authorize": it uses plain http towards 10.0.0.1, which is not a loopback host.`},
	{name: "jwks_url with credentials", typ: "identity_provider", args: map[string]string{"jwks_url": `"https://user:pw@sso.acme.example/jwks"`}, at: "jwks_url",
		summary: "Invalid URL", message: `Attribute jwks_url must be an absolute https URL … it carries credentials (user:password@), which would show in plans and the state.`},
	{name: "token_url without a host", typ: "identity_provider", args: map[string]string{"token_url": `"https:///token"`}, at: "token_url",
		summary: "Invalid URL", message: `Attribute token_url must be an absolute https URL … got "https:///token": it has no host.`},

	// Organization images: https too.
	{name: "logo_url plain http", typ: "organization", args: map[string]string{"logo_url": `"http://cdn.example/logo.svg"`}, at: "logo_url",
		summary: "Invalid URL", message: `Attribute logo_url must be an absolute https URL … it uses plain http towards cdn.example, which is not a loopback host.`},
	{name: "favicon_url plain http", typ: "organization", args: map[string]string{"favicon_url": `"http://cdn.example/favicon.ico"`}, at: "favicon_url",
		summary: "Invalid URL", message: `Attribute favicon_url must be an absolute https URL`},

	// API credential redirect URI: https, no fragment.
	{name: "redirect_uri plain http", typ: "api_credential", args: map[string]string{"kind": `"webapp"`, "redirect_uri": `"http://shop.example/callback"`}, at: "redirect_uri",
		summary: "Invalid URL", message: `Attribute redirect_uri must be an absolute https URL (plain http only towards a loopback host: localhost, 127.0.0.1 or ::1), without a fragment, such as https://app.example.com/callback; got "http://shop.example/callback": it uses plain http towards shop.example, which is not a loopback host.`},
	{name: "redirect_uri with a fragment", typ: "api_credential", args: map[string]string{"kind": `"webapp"`, "redirect_uri": `"https://shop.example/callback#done"`}, at: "redirect_uri",
		summary: "Invalid URL", message: `Attribute redirect_uri must be an absolute https URL … without a fragment … it has a fragment (#...), which a redirect URI must not have (RFC 6749, 3.1.2).`},

	// time_zone: IANA names only.
	{name: "time_zone not in the database", typ: "user", args: map[string]string{"time_zone": `"Mars/Olympus_Mons"`}, at: "time_zone",
		summary: "Invalid time zone", message: `Attribute time_zone must be an IANA time zone name such as Europe/Rome, America/New_York or UTC; got "Mars/Olympus_Mons", which is not in the time zone database.`},
	{name: "time_zone Local", typ: "user", args: map[string]string{"time_zone": `"Local"`}, at: "time_zone",
		summary: "Invalid time zone", message: `Attribute time_zone must be an IANA time zone name such as Europe/Rome … got "Local", which names the time zone of the machine running Terraform, not one the API knows.`},
	{name: "time_zone a path", typ: "user", args: map[string]string{"time_zone": `"../../etc/passwd"`}, at: "time_zone",
		summary: "Invalid time zone", message: `Attribute time_zone must be an IANA time zone name`},

	// Names and other text people give: no control characters.
	{name: "organization name with a newline", typ: "organization", args: map[string]string{"name": `"Blue\nBrand"`}, at: "name",
		summary: "Invalid text", message: `Attribute name must be printable text on one line: control characters such as newline, tab or NUL are not allowed; found a newline (U+000A) at character 5.`},
	{name: "role name with a tab", typ: "role", args: map[string]string{"name": `"Ware\thouse"`}, at: "name",
		summary: "Invalid text", message: `Attribute name must be printable text on one line … found a tab (U+0009) at character 5.`},
	{name: "profile name with NUL", typ: "membership_profile", args: map[string]string{"name": `"Support\u0000"`}, at: "name",
		summary: "Invalid text", message: `Attribute name must be printable text on one line … found NUL (U+0000) at character 8.`},
	{name: "credential name with DEL", typ: "api_credential", args: map[string]string{"name": `"App\u007f"`}, at: "name",
		summary: "Invalid text", message: `Attribute name must be printable text on one line … found DEL (U+007F) at character 4.`},
	{name: "identity provider name with a newline", typ: "identity_provider", args: map[string]string{"name": `"acme\n"`}, at: "name",
		summary: "Invalid text", message: `Attribute name must be printable text on one line`},
	{name: "identity provider client_id with a newline", typ: "identity_provider", args: map[string]string{"client_id": `"acme-client\n"`}, at: "client_id",
		summary: "Invalid text", message: `Attribute client_id must be printable text on one line`},
	{name: "identity provider organization with a tab", typ: "identity_provider", args: map[string]string{"organization": `"org_76\tgsfs5gd"`}, at: "organization",
		summary: "Invalid text", message: `Attribute organization must be printable text on one line`},
	{name: "first_name with a tab", typ: "user", args: map[string]string{"first_name": `"Ada\t"`}, at: "first_name",
		summary: "Invalid text", message: `Attribute first_name must be printable text on one line … found a tab (U+0009) at character 4.`},
	{name: "last_name with a carriage return", typ: "user", args: map[string]string{"last_name": `"Love\rlace"`}, at: "last_name",
		summary: "Invalid text", message: `Attribute last_name must be printable text on one line … found a carriage return (U+000D) at character 5.`},
	{name: "reference with a newline", typ: "membership", args: map[string]string{"reference": `"ERP-1\nERP-2"`}, at: "reference",
		summary: "Invalid text", message: `Attribute reference must be printable text on one line`},
	{name: "reference_origin with a control character", typ: "role", args: map[string]string{"reference_origin": `"erp\u0001"`}, at: "reference_origin",
		summary: "Invalid text", message: `Attribute reference_origin must be printable text on one line … found the control character U+0001 at character 4.`},
	{name: "support_phone with a newline", typ: "organization", args: map[string]string{"support_phone": `"+39 02 1234\n"`}, at: "support_phone",
		summary: "Invalid text", message: `Attribute support_phone must be printable text on one line`},
	{name: "gtm_id with a tab", typ: "organization", args: map[string]string{"gtm_id": `"GTM-\tX"`}, at: "gtm_id",
		summary: "Invalid text", message: `Attribute gtm_id must be printable text on one line`},
	{name: "permission subject with a newline", typ: "permission", args: map[string]string{"subject": `"orders\n"`}, at: "subject",
		summary: "Invalid text", message: `Attribute subject must be printable text on one line`},

	// E-mail addresses: at most 254 characters.
	{name: "membership e-mail of 255 characters", typ: "membership", args: map[string]string{"user_email": fmt.Sprintf("%q", strings.Repeat("a", 243)+"@example.com")}, at: "user_email",
		summary: "Invalid email address", message: `Attribute user_email must be at most 254 characters long, the longest email address RFC 5321 allows; got 255 characters.`},
	{name: "support e-mail of 296 characters", typ: "organization", args: map[string]string{"support_email": fmt.Sprintf("%q", strings.Repeat("s", 64)+"@"+strings.Repeat("d", 223)+".example")}, at: "support_email",
		summary: "Invalid email address", message: `Attribute support_email must be at most 254 characters long, the longest email address RFC 5321 allows; got 296 characters.`},
}

// Every bad input is refused by the plan, with an error that points at the
// argument (Terraform shows its line), names it and says what is allowed.
func TestAccBadInputsCaughtAtPlan(t *testing.T) {
	for _, c := range badInputs {
		t.Run(c.name, func(t *testing.T) {
			env := newTestEnv(t)
			env.test(resource.TestCase{Steps: []resource.TestStep{{
				Config:      env.config("%s", resourceWith(c.typ, c.args)),
				PlanOnly:    true,
				ExpectError: c.expect(),
			}}})
		})
	}
}

// expect is the whole diagnostic: summary, the resource and the argument's
// line, then the detail.
func (c badInput) expect() *regexp.Regexp {
	return regexp.MustCompile(`(?s)Error: ` + regexp.QuoteMeta(c.summary) +
		`\s+with clprovisioning_` + c.typ + `\.bad,` +
		`.*in resource "clprovisioning_` + c.typ + `" "bad":\s+\d+:\s+` + regexp.QuoteMeta(c.at) + `\s+=` +
		`.*` + wrappedPattern(c.message))
}

// What the rules still let through: loopback http, IANA names, text and
// filters of every allowed shape. A plan of each creates the resource.
func TestAccGoodInputsPassThePlan(t *testing.T) {
	good := []struct {
		typ  string
		args map[string]string
	}{
		{"identity_provider", map[string]string{
			"issuer": `"http://localhost:8080/"`, "token_url": `"http://127.0.0.1:8080/token"`,
			"authorize_url": `"http://[::1]:8080/authorize"`, "jwks_url": `"https://sso.acme.example/jwks"`,
		}},
		{"api_credential", map[string]string{"kind": `"webapp"`, "redirect_uri": `"http://127.0.0.1:3000/callback?x=1"`}},
		{"organization", map[string]string{
			"name": `"Blue Brand — Café ☕"`, "logo_url": `"https://cdn.example/logo.svg"`, "favicon_url": `"HTTPS://cdn.example/f.ico"`,
			"support_email": fmt.Sprintf("%q", strings.Repeat("a", 242)+"@example.com"), "metadata": `{ a = "", b = "{\"x\":1}" }`,
		}},
		{"user", map[string]string{"time_zone": `"Europe/Rome"`, "first_name": `"Ada"`, "last_name": `"Lovelace-Byron"`}},
		{"user", map[string]string{"time_zone": `"UTC"`}},
		{"user", map[string]string{"time_zone": `"America/Argentina/Buenos_Aires"`}},
		{"application_membership", map[string]string{"filters": `{
    market_id_in            = [202, "203"]
    market_id_not_in_or_null = [1]
    name_cont_any           = ["red", "blue"]
    status_eq               = "placed"
    total_amount_cents_gt   = 1000
    archived_eq             = false
    reference_null          = true
    reference_present       = "false"
    metadata_jcont          = { source = "erp", tags = ["a", "b"] }
  }`}},
		{"role_assignment", map[string]string{"filters": `{ market_id_in = [202], status_eq = "placed" }`}},
	}
	for _, g := range good {
		t.Run(g.typ, func(t *testing.T) {
			env := newTestEnv(t)
			env.test(resource.TestCase{Steps: []resource.TestStep{{
				Config:             env.config("%s", resourceWith(g.typ, g.args)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			}}})
		})
	}
}
