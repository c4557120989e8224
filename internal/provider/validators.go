package provider

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Plan-time checks shared by several resources, so that each rule is
// written (and worded) once.

var (
	emailPattern    = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	httpURLPattern  = regexp.MustCompile(`^https?://[^\s/?#]+\S*$`)
	hexColorPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)
)

// emailAddress accepts name@domain.tld.
func emailAddress() validator.String {
	return stringvalidator.RegexMatches(emailPattern, "must be an email address such as jane@example.com")
}

// httpURL accepts absolute http(s) URLs.
func httpURL() validator.String {
	return stringvalidator.RegexMatches(httpURLPattern, "must be an absolute http(s) URL")
}

// hexColor accepts #RRGGBB.
func hexColor() validator.String {
	return stringvalidator.RegexMatches(hexColorPattern, "must be a HEX colour such as #C8984E")
}
