package provider

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

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

// emailAddress accepts name@domain.tld of at most 254 characters (octets).
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
			return ""
		},
	}
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

// urlProblem says what keeps raw from being a URL that secureURL accepts
// ("" when nothing does).
func urlProblem(raw string, fragment bool) string {
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

// singleLine refuses control characters (NUL, newline, tab, DEL...) in
// names and other text people give: they never belong there, and most are
// invisible in the Dashboard.
func singleLine() validator.String {
	return stringCheck{
		description: "must be text on one line, without control characters",
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
			return ""
		},
	}
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
