package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	// The IANA time zone database, built in: time_zone is checked with
	// time.LoadLocation, which must give the same answer on machines
	// without /usr/share/zoneinfo (Windows, minimal containers).
	_ "time/tzdata"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Plan-time checks shared by several resources, so that each rule is
// written (and worded) once. Each error points at the attribute, names it,
// and says what is allowed.

var hexColorPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// hexColor accepts #RRGGBB.
func hexColor() validator.String {
	return stringvalidator.RegexMatches(hexColorPattern, "must be a HEX colour such as #C8984E")
}

// stringCheck is a string validator made of one function that returns what
// is wrong with a known, non-null value ("" when nothing is).
type stringCheck struct {
	description string
	summary     string
	problem     func(path, value string) string
}

func (c stringCheck) Description(context.Context) string { return c.description }

func (c stringCheck) MarkdownDescription(ctx context.Context) string { return c.Description(ctx) }

func (c stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if p := c.problem(req.Path.String(), req.ConfigValue.ValueString()); p != "" {
		resp.Diagnostics.AddAttributeError(req.Path, c.summary, p)
	}
}

// emailMaxLength is the longest address RFC 5321 allows (a 256-octet path
// less its angle brackets).
const emailMaxLength = 254

var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// emailAddress accepts name@domain.tld of at most 254 characters (octets):
// the address alone, as the HTML standard's e-mail input takes it (a
// dot-atom local part, a domain of dot-separated labels of letters, digits
// and hyphens of at most 63 characters), with letters beyond ASCII allowed
// in both parts (internationalised addresses, RFC 6531).
func emailAddress() validator.String {
	return stringCheck{
		description: fmt.Sprintf("an email address such as jane@example.com, at most %d characters", emailMaxLength),
		summary:     "Invalid email address",
		problem: func(path, v string) string {
			if len(v) > emailMaxLength {
				return fmt.Sprintf("Attribute %s must be at most %d characters long, the longest email address RFC 5321 "+
					"allows; got %d characters.", path, emailMaxLength, len(v))
			}
			if !emailPattern.MatchString(v) || strings.ContainsFunc(v, unicode.IsControl) {
				return fmt.Sprintf("Attribute %s must be an email address such as jane@example.com; got %q.", path, v)
			}
			if why := emailProblem(v); why != "" {
				return fmt.Sprintf("Attribute %s must be an email address such as jane@example.com; got %q: %s.", path, v, why)
			}
			return ""
		},
	}
}

// emailProblem says what keeps an address that has the shape x@y.z from
// being one ("" when nothing does).
func emailProblem(v string) string {
	if strings.ContainsAny(v, "<>") {
		return "write the address alone, without a name or angle brackets"
	}
	local, domain, _ := strings.Cut(v, "@")
	const atext = "!#$%&'*+/=?^_`{|}~-"
	for _, r := range local {
		if r != '.' && !strings.ContainsRune(atext, r) && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			return fmt.Sprintf("%q is not allowed before the @", r)
		}
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return "the part before the @ cannot start or end with a dot or have two dots in a row"
	}
	for _, label := range strings.Split(domain, ".") {
		switch {
		case label == "":
			return "the domain has an empty label (two dots in a row, or a dot at an end)"
		case utf8.RuneCountInString(label) > 63:
			return fmt.Sprintf("the domain label %q is longer than 63 characters", label)
		case strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-"):
			return fmt.Sprintf("the domain label %q starts or ends with a hyphen", label)
		}
		for _, r := range label {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
				return fmt.Sprintf("%q is not allowed in the domain", r)
			}
		}
	}
	return ""
}

// isLoopbackHost tells whether a URL's host is this machine: localhost or
// a loopback address (127.0.0.0/8, ::1). The same rule as the provider's
// own api_url and auth_url.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

const secureURLRule = "an absolute https URL (plain http only towards a loopback host: localhost, 127.0.0.1 or ::1)"

// maxURLLength is the longest URL accepted. The API publishes no limit;
// 2048 characters is the limit most software agrees on (the Sitemaps
// protocol's, browsers' address bars, CDNs), far above a real logo,
// callback or endpoint URL.
const maxURLLength = 2048

// urlProblem says what keeps raw from being a URL that secureURL accepts
// ("" when nothing does).
func urlProblem(raw string, fragment bool) string {
	if n := len(raw); n > maxURLLength {
		return fmt.Sprintf("it is %d characters long, and at most %d are accepted", n, maxURLLength)
	}
	if strings.ContainsFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "it contains white space or control characters"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "it is not a valid URL"
	case u.Scheme == "" || u.Opaque != "":
		return "it is not an absolute URL (scheme://host/path)"
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Sprintf("its scheme is %s", u.Scheme)
	case u.Hostname() == "":
		return "it has no host"
	case u.User != nil:
		return "it carries credentials (user:password@), which would show in plans and the state"
	case u.Scheme == "http" && !isLoopbackHost(u.Hostname()):
		return fmt.Sprintf("it uses plain http towards %s, which is not a loopback host", u.Hostname())
	case !fragment && (u.Fragment != "" || strings.Contains(raw, "#")):
		return "it has a fragment (#...), which a redirect URI must not have (RFC 6749, 3.1.2)"
	}
	return ""
}

// secureURL accepts absolute https URLs, and http ones only towards a
// loopback host (a local test server): what an identity provider's
// endpoints, a redirect URI or an image the Dashboard shows must be.
func secureURL() validator.String {
	return stringCheck{
		description: "must be " + secureURLRule,
		summary:     "Invalid URL",
		problem: func(path, v string) string {
			if p := urlProblem(v, true); p != "" {
				return fmt.Sprintf("Attribute %s must be %s, such as https://login.example.com/path; got %q: %s.", path, secureURLRule, v, p)
			}
			return ""
		},
	}
}

// redirectURI is secureURL without a fragment (RFC 6749, 3.1.2).
func redirectURI() validator.String {
	return stringCheck{
		description: "must be " + secureURLRule + ", without a fragment",
		summary:     "Invalid URL",
		problem: func(path, v string) string {
			if p := urlProblem(v, false); p != "" {
				return fmt.Sprintf("Attribute %s must be %s, without a fragment, such as https://app.example.com/callback; got %q: %s.",
					path, secureURLRule, v, p)
			}
			return ""
		},
	}
}

// maxTextLength is the longest name or other one-line text accepted. The
// API publishes no limit; 255 characters (the length of a conventional
// string column) is the provider's own, well above any real name,
// reference or phone number, so that a pasted file or a generated blob is
// refused at plan rather than stored, or refused by the API at apply.
const maxTextLength = 255

// singleLine refuses control characters (NUL, newline, tab, DEL...) in
// names and other text people give: they never belong there, and most are
// invisible in the Dashboard. It also refuses text longer than
// maxTextLength characters.
func singleLine() validator.String {
	return stringCheck{
		description: fmt.Sprintf("must be text on one line, without control characters, at most %d characters", maxTextLength),
		summary:     "Invalid text",
		problem: func(path, v string) string {
			pos := 0
			for _, r := range v {
				pos++
				if unicode.IsControl(r) {
					return fmt.Sprintf("Attribute %s must be printable text on one line: control characters such as "+
						"newline, tab or NUL are not allowed; found %s at character %d.", path, describeControl(r), pos)
				}
			}
			if pos > maxTextLength {
				return fmt.Sprintf("Attribute %s must be at most %d characters long; got %d characters. The API publishes "+
					"no limit: this one is the provider's, well above any real name or reference, so that a pasted file "+
					"or a generated value is refused at plan.", path, maxTextLength, pos)
			}
			return ""
		},
	}
}

// notEmpty refuses "": a filter or lookup argument that is empty asks for
// nothing, and a list that matches nothing would pass a check vacuously.
func notEmpty() validator.String {
	return stringCheck{
		description: "must not be empty",
		summary:     "Empty value",
		problem: func(path, v string) string {
			if v == "" {
				return fmt.Sprintf("Attribute %s is empty: give a value, or leave the argument out.", path)
			}
			return ""
		},
	}
}

// formatCheck is a validator of one regular expression: empty and
// non-matching values are refused with the same words.
func formatCheck(summary, what string, pattern *regexp.Regexp) validator.String {
	return stringCheck{
		description: "must be " + what,
		summary:     summary,
		problem: func(path, v string) string {
			if !pattern.MatchString(v) {
				return fmt.Sprintf("Attribute %s must be %s; got %q.", path, what, v)
			}
			return ""
		},
	}
}

// objectIDPattern is what an API id can be: the API's ids are 10 letters
// and digits (e.g. XGZwpOSrWL); hyphens and underscores are allowed too, as
// harmless in a path, so that no id the API might give is refused. What is
// refused (/, %, ?, #, spaces, dots...) would change the path of a request
// or can be no object's id.
var objectIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// objectID accepts the id of an API object.
func objectID() validator.String {
	return formatCheck("Invalid ID", "the ID of a Commerce Layer object: letters and digits, such as XGZwpOSrWL "+
		"(no slashes, spaces, dots or percent signs)", objectIDPattern)
}

// regionPattern is a cloud region name as the API writes regions
// (eu-west-1, us-east-1): two letters, one or more words, a number.
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// regionName accepts a region name. The API publishes no list of regions
// (its default is eu-west-1), so the format is checked, not the name: a
// region added later needs no new provider version.
func regionName() validator.String {
	return formatCheck("Invalid region", "a region name such as eu-west-1 or us-east-1 (lower case)", regionPattern)
}

// gtmIDPattern is a Google Tag Manager container ID: GTM- and upper-case
// letters and digits (e.g. GTM-5FJXX6).
var gtmIDPattern = regexp.MustCompile(`^GTM-[A-Z0-9]{1,20}$`)

func gtmID() validator.String {
	return formatCheck("Invalid Google Tag Manager ID", "a Google Tag Manager container ID such as GTM-5FJXX6", gtmIDPattern)
}

// slugPattern is an organization slug: a DNS label (RFC 1035), as the slug
// is the first label of the organization's domain (<slug>.commercelayer.io).
var slugPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func slugName() validator.String {
	return formatCheck("Invalid slug", "an organization slug such as the-blue-brand: lower-case letters, digits and "+
		"hyphens, at most 63 (it is the first label of the organization's domain)", slugPattern)
}

// snakeCasePattern is a Core API resource name (orders, line_items) or an
// API credential kind (sales_channel, gift_cards).
var snakeCasePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// coreResource accepts the name of a Core API resource.
func coreResource() validator.String {
	return formatCheck("Invalid subject", "the name of a Core API resource in lower-case snake_case, such as orders or line_items", snakeCasePattern)
}

// credentialKind accepts an API credential kind. The kinds are not an enum
// of the API (new Dashboard apps add kinds), so the form is checked: every
// kind is a lower-case snake_case word.
func credentialKind() validator.String {
	return formatCheck("Invalid kind", "an API credential kind in lower-case snake_case, such as integration, "+
		"sales_channel, webapp or a Dashboard app such as orders", snakeCasePattern)
}

// rfc3339 accepts a point in time as RFC 3339 writes it.
func rfc3339() validator.String {
	return stringCheck{
		description: "must be a time in RFC 3339, such as 2026-11-01T00:00:00Z",
		summary:     "Invalid time",
		problem: func(path, v string) string {
			if _, err := time.Parse(time.RFC3339, v); err != nil {
				return fmt.Sprintf("Attribute %s must be a time in RFC 3339, such as 2026-11-01T00:00:00Z or "+
					"2026-11-01T09:30:00+01:00; got %q.", path, v)
			}
			return ""
		},
	}
}

// phoneNumber accepts text with at least one digit: a phone number however
// it is written (+39 02 1234 5678, (555) 010-9999, 1-800-FLOWERS).
func phoneNumber() validator.String {
	return stringCheck{
		description: "must be a phone number (at least one digit)",
		summary:     "Invalid phone number",
		problem: func(path, v string) string {
			if !strings.ContainsFunc(v, func(r rune) bool { return r >= '0' && r <= '9' }) {
				return fmt.Sprintf("Attribute %s must be a phone number such as +39 02 1234 5678; got %q, which has no digit.", path, v)
			}
			return ""
		},
	}
}

// oauthText accepts what RFC 6749 (appendix A.1 and A.2) allows in an OAuth
// client id or secret: printable ASCII (VSCHAR, spaces included). A
// newline at the end (a secret read with file()) or a typographic character
// is a copying mistake that would make every sign-in fail.
func oauthText() validator.String {
	return stringCheck{
		description: "must be printable ASCII (RFC 6749, appendix A)",
		summary:     "Invalid OAuth client credential",
		problem: func(path, v string) string {
			pos := 0
			for _, r := range v {
				pos++
				if r < 0x20 || r > 0x7e {
					what := fmt.Sprintf("%q (U+%04X)", r, r)
					if unicode.IsControl(r) {
						what = describeControl(r)
					}
					return fmt.Sprintf("Attribute %s must be printable ASCII, as OAuth 2.0 client ids and secrets are "+
						"(RFC 6749, appendix A); found %s at character %d. (A secret read with file() keeps the file's "+
						"last newline: use trimspace(file(...)).)", path, what, pos)
				}
			}
			return ""
		},
	}
}

// jsonObject accepts JSON text that is an object ({...}).
func jsonObject() validator.String {
	return stringCheck{
		description: "must be a JSON object",
		summary:     "Invalid JSON object",
		problem: func(path, v string) string {
			var x any
			if err := json.Unmarshal([]byte(v), &x); err != nil {
				return fmt.Sprintf("Attribute %s must be a JSON object, such as jsonencode({ mfe = { default = {} } }); "+
					"got text that is not JSON (%v). Write it with jsonencode() rather than by hand.", path, err)
			}
			if _, ok := x.(map[string]any); !ok {
				return fmt.Sprintf("Attribute %s must be a JSON object, such as jsonencode({ mfe = { default = {} } }); got %s.",
					path, describeJSON(x))
			}
			return ""
		},
	}
}

func describeJSON(x any) string {
	switch x.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "a value that is not an object"
}

// issuerURL is secureURL without a query or a fragment: an OpenID Connect
// issuer is "a case-sensitive URL using the https scheme that contains
// scheme, host, and optionally, port number and path components and no
// query or fragment components" (OpenID Connect Core 1.0, 2).
func issuerURL() validator.String {
	return stringCheck{
		description: "must be " + secureURLRule + ", without a query or fragment",
		summary:     "Invalid URL",
		problem: func(path, v string) string {
			p := urlProblem(v, true)
			if u, err := url.Parse(v); p == "" && err == nil && (u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(v, "#")) {
				p = "it has a query (?...) or a fragment (#...), which an OpenID Connect issuer must not have (OpenID Connect Core 1.0, 2)"
			}
			if p != "" {
				return fmt.Sprintf("Attribute %s must be %s, without a query or fragment, such as https://login.example.com/; got %q: %s.",
					path, secureURLRule, v, p)
			}
			return ""
		},
	}
}

// wholeNumber checks a number argument: a whole number, between min and
// max when they are given. Int64 arguments cannot do it: a fraction such as
// 7200.5 fails the framework's conversion with an internal "Value
// Conversion Error" before any validator runs, so whole-number arguments
// are Number attributes with this validator.
type wholeNumber struct {
	min, max *int64
	unit     string // "seconds", or "" for none
}

func (v wholeNumber) Description(context.Context) string {
	what := "a whole number"
	if v.unit != "" {
		what += " of " + v.unit
	}
	switch {
	case v.min != nil && v.max != nil:
		return fmt.Sprintf("%s from %d to %d", what, *v.min, *v.max)
	case v.min != nil:
		return fmt.Sprintf("%s, at least %d", what, *v.min)
	case v.max != nil:
		return fmt.Sprintf("%s, at most %d", what, *v.max)
	}
	return what
}

func (v wholeNumber) rangeWords() string {
	switch {
	case v.min != nil && v.max != nil:
		return fmt.Sprintf("between %d and %d", *v.min, *v.max)
	case v.min != nil:
		return fmt.Sprintf("at least %d", *v.min)
	case v.max != nil:
		return fmt.Sprintf("at most %d", *v.max)
	}
	return "a whole number"
}

func (v wholeNumber) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v wholeNumber) ValidateNumber(ctx context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	f := req.ConfigValue.ValueBigFloat()
	if !f.IsInt() {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid number",
			fmt.Sprintf("Attribute %s must be %s; got %s, which is not a whole number.", req.Path, v.Description(ctx), f.Text('g', -1)))
		return
	}
	if (v.min != nil && f.Cmp(new(big.Float).SetInt64(*v.min)) < 0) || (v.max != nil && f.Cmp(new(big.Float).SetInt64(*v.max)) > 0) {
		// In the words of the framework's int64validator.Between, which
		// this attribute used before it was a Number.
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("Attribute %s value must be %s, got: %s", req.Path, v.rangeWords(), f.Text('f', -1)))
		return
	}
	if _, acc := f.Int64(); acc != big.Exact {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid number",
			fmt.Sprintf("Attribute %s must be %s; got %s, which is out of range.", req.Path, v.Description(ctx), f.Text('g', -1)))
	}
}

// enumList writes allowed values for a description: `a`, `b` or `c`.
func enumList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	if len(quoted) < 2 {
		return strings.Join(quoted, "")
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

func describeControl(r rune) string {
	names := map[rune]string{0: "NUL", '\t': "a tab", '\n': "a newline", '\r': "a carriage return", 0x7f: "DEL"}
	if n, ok := names[r]; ok {
		return fmt.Sprintf("%s (U+%04X)", n, r)
	}
	return fmt.Sprintf("the control character U+%04X", r)
}

// timeZone accepts the names of the IANA time zone database, e.g.
// Europe/Rome or UTC.
func timeZone() validator.String {
	return stringCheck{
		description: "must be an IANA time zone name such as Europe/Rome",
		summary:     "Invalid time zone",
		problem: func(path, v string) string {
			const want = "Attribute %s must be an IANA time zone name such as Europe/Rome, America/New_York or UTC; got %q"
			if v == "Local" {
				return fmt.Sprintf(want+", which names the time zone of the machine running Terraform, not one the API knows.", path, v)
			}
			if _, err := time.LoadLocation(v); err != nil || v == "" {
				return fmt.Sprintf(want+", which is not in the time zone database.", path, v)
			}
			return ""
		},
	}
}

// metadataValues refuses null values in metadata: every value is a string.
// Without it, { a = null } passes the plan and fails the apply.
type metadataValues struct{}

func (metadataValues) Description(context.Context) string {
	return "every value must be a string (null is not allowed)"
}

func (v metadataValues) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (metadataValues) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	for _, k := range slices.Sorted(maps.Keys(elems)) {
		if k == createMarkKey {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Reserved metadata key",
				fmt.Sprintf("The key %q is the provider's: every create marks its object with it, to recognise it when "+
					"an answer is lost. Use another key.", k))
			continue
		}
		if elems[k].IsNull() {
			p := req.Path.AtMapKey(k)
			resp.Diagnostics.AddAttributeError(p, "Invalid metadata value",
				fmt.Sprintf("Attribute %s is null, but metadata values must be strings (\"\" for an empty one): give it a "+
					"string, or remove the key.", p))
		}
	}
}

func ptr[T any](v T) *T { return &v }
