package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// Errors travel as plain Go errors through the generic code and the hooks,
// and become diagnostics in one place, errorDiags.

var errNotConfigured = errors.New("the provider is not configured")

// attrError is an error of the provider's own about one attribute (or about
// the whole object, when attribute is empty), with its summary.
type attrError struct {
	attribute, summary, detail string
}

func (e *attrError) Error() string { return e.summary + ": " + e.detail }

// diagsError carries diagnostics (from a conversion) as an error.
type diagsError struct{ diags diag.Diagnostics }

func (e *diagsError) Error() string {
	for _, d := range e.diags.Errors() {
		return d.Summary() + ": " + d.Detail()
	}
	return "diagnostics"
}

// errorOf turns diagnostics into an error when they hold one (nil otherwise);
// errorDiags turns it back into the same diagnostics.
func errorOf(diags diag.Diagnostics) error {
	if diags.HasError() {
		return &diagsError{diags}
	}
	return nil
}

// errorDiags turns an error into diagnostics, attaching each error with a
// source pointer to the attribute it names, so that Terraform shows the
// API's own words next to the user's configuration line. summary says what
// failed, e.g. "Could not create membership".
func errorDiags(summary string, err error, attrs map[string]schema.Attribute) diag.Diagnostics {
	return errorDiagsAt(summary, err, func(apiName string) (path.Path, bool) {
		name := schemaAttributeFor(apiName, attrs)
		return path.Root(name), name != ""
	})
}

// errorDiagsAt is errorDiags with the way an API attribute or relationship
// name becomes a Terraform attribute path given.
func errorDiagsAt(summary string, err error, locate func(apiName string) (path.Path, bool)) diag.Diagnostics {
	var diags diag.Diagnostics
	var de *diagsError
	if errors.As(err, &de) {
		return de.diags
	}
	var ae *attrError
	if errors.As(err, &ae) {
		diags.Append(attrDiagnostic(ae.attribute, diag.NewErrorDiagnostic(ae.summary, ae.detail)))
		return diags
	}
	apiErr, ok := provisioning.AsAPIError(err)
	if !ok || len(apiErr.Errors) == 0 || provisioning.IsUnknownOutcome(err) {
		// Not an API error document, or one whose outcome the provider's own
		// words must explain: the whole error text.
		diags.AddError(summary, err.Error())
		return diags
	}
	for _, e := range apiErr.Errors {
		detail := e.Detail
		if detail == "" {
			detail = e.Title
		}
		detail = fmt.Sprintf("%s (HTTP %d, %s %s, code %s)", detail, apiErr.StatusCode, apiErr.Method, apiErr.Path, e.Code)
		if p, ok := locate(e.Source.Attribute()); ok && e.Source.Attribute() != "" {
			diags.AddAttributeError(p, summary, fmt.Sprintf("%s: %s", p, detail))
			continue
		}
		diags.AddError(summary, detail)
	}
	return diags
}

// attrDiagnostic points a diagnostic at an attribute, when one is named.
func attrDiagnostic(attribute string, d diag.Diagnostic) diag.Diagnostic {
	if attribute == "" {
		return d
	}
	return diag.WithPath(path.Root(attribute), d)
}

// schemaAttributeFor maps an API attribute or relationship name to the
// Terraform attribute that carries it ("role" -> "role_id").
func schemaAttributeFor(apiName string, attrs map[string]schema.Attribute) string {
	if apiName == "" {
		return ""
	}
	if _, ok := attrs[apiName]; ok {
		return apiName
	}
	if _, ok := attrs[apiName+"_id"]; ok {
		return apiName + "_id"
	}
	return ""
}
