package provisioning

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// APIError is a non-2xx answer of the Provisioning API. Errors holds every
// entry of the JSON:API error document; when the body was not a JSON:API
// error document it holds one generic entry built from the status code (the
// raw body is never kept: it could echo a secret).
type APIError struct {
	StatusCode int
	Method     string
	Path       string // request path, without the query string
	Errors     []jsonapi.Error
}

// Error reads like
// "PATCH /api/roles/x: 422 Unprocessable Entity: name - can't be blank (VALIDATION_ERROR)".
func (e *APIError) Error() string {
	return e.Method + " " + e.Path + ": " + e.summary()
}

// summary is the message without the "METHOD /path: " prefix.
func (e *APIError) summary() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" ")
		b.WriteString(t)
	}
	parts := make([]string, 0, len(e.Errors))
	for _, er := range e.Errors {
		if s := formatError(er); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(parts, "; "))
	}
	return b.String()
}

// formatError renders one error entry as "<attribute> - <detail> (<CODE>)".
func formatError(e jsonapi.Error) string {
	msg := e.Detail
	if msg == "" {
		msg = e.Title
	}
	where := ""
	if e.Source != nil {
		where = e.Source.Attribute()
		if where == "" {
			where = e.Source.Pointer
		}
		if where == "" && e.Source.Parameter != "" {
			where = "parameter " + e.Source.Parameter
		}
	}
	// The API's details often already start with the attribute
	// ("name - can't be blank"); don't say it twice.
	if where != "" && !strings.HasPrefix(msg, where) {
		if msg == "" {
			msg = where
		} else {
			msg = where + " - " + msg
		}
	}
	if e.Code != "" {
		if msg == "" {
			return e.Code
		}
		msg += " (" + e.Code + ")"
	}
	return msg
}

// HasCode reports whether any error entry carries the given code
// (e.g. "RECORD_NOT_FOUND", "VALIDATION_ERROR").
func (e *APIError) HasCode(code string) bool {
	for _, er := range e.Errors {
		if er.Code == code {
			return true
		}
	}
	return false
}

// AsAPIError finds an *APIError in err's chain: the API's answer, when that
// answer is the whole story. An UnknownOutcomeError or a NotAllowedError says
// more than the answer inside it (the request may have been applied; the
// credentials lack a permission), so AsAPIError reports false for them and a
// caller that formats "the API's own words" shows their message instead. Use
// errors.As, or their fields, to reach the answer inside.
func AsAPIError(err error) (*APIError, bool) {
	if IsUnknownOutcome(err) || IsNotAllowed(err) {
		return nil, false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae, true
	}
	return nil, false
}

// IsNotFound reports whether err's chain holds a 404 APIError.
func IsNotFound(err error) bool {
	ae, ok := AsAPIError(err)
	return ok && ae.StatusCode == http.StatusNotFound
}

// UnknownOutcomeError is returned when a non-idempotent request (POST) failed
// in a way that leaves open whether the API acted on it: a timeout, a
// connection dropped after the request was sent, any 5xx answer, or a 2xx
// answer that could not be read. It is not retried because a retry could
// create a duplicate. Err is the cause (an *APIError for a 5xx: reach it with
// errors.As; AsAPIError reports false so that this message is what is shown).
//
// SentAt is when the attempt that may have been applied was sent, on this
// machine's clock: an object it created has a created_at at or after SentAt
// (less the clock difference between this machine and the API), which is how
// a caller finds and adopts it instead of creating it twice.
type UnknownOutcomeError struct {
	Method, Path string
	SentAt       time.Time
	Err          error
}

func (e *UnknownOutcomeError) Error() string {
	cause := "unknown error"
	if ae, ok := e.Err.(*APIError); ok {
		cause = ae.summary()
	} else if e.Err != nil {
		cause = e.Err.Error()
	}
	return fmt.Sprintf("%s %s: %s; the outcome is unknown: the API may or may not have applied the request, "+
		"and it was not retried to avoid a duplicate; check the remote state (e.g. list or import) before trying again",
		e.Method, e.Path, cause)
}

func (e *UnknownOutcomeError) Unwrap() error { return e.Err }

// IsUnknownOutcome reports whether err's chain holds an UnknownOutcomeError.
func IsUnknownOutcome(err error) bool {
	var u *UnknownOutcomeError
	return errors.As(err, &u)
}

// NotAllowedError: the API refused the request with 401 although the access
// token had just been obtained, so the token is good and the credentials'
// user lacks the permission (the API documents no 403: its 401 also covers
// "a token without enough permissions"). API is the answer, in the API's
// own words. It is never retried.
type NotAllowedError struct {
	Method, Path string
	API          *APIError
}

func (e *NotAllowedError) Error() string {
	s := fmt.Sprintf("not allowed: the credentials' user lacks the permission for %s %s", e.Method, e.Path)
	if e.API != nil {
		s += " (the API refused a freshly obtained access token: " + e.API.summary() + ")"
	}
	return s
}

func (e *NotAllowedError) Unwrap() error {
	if e.API == nil {
		return nil
	}
	return e.API
}

// IsNotAllowed reports whether err's chain holds a NotAllowedError: the
// credentials work but their user may not do this.
func IsNotAllowed(err error) bool {
	var n *NotAllowedError
	return errors.As(err, &n)
}

// RequestError is a failure that produced no HTTP answer (connection refused,
// reset, timeout, ...) or an answer that could not be read or decoded.
type RequestError struct {
	Method, Path string
	Err          error
}

func (e *RequestError) Error() string { return e.Method + " " + e.Path + ": " + e.Err.Error() }
func (e *RequestError) Unwrap() error { return e.Err }

// newAPIError builds an APIError from a non-2xx response body. Only a parsed
// JSON:API error document contributes text; anything else is reduced to the
// status line and the content type.
func newAPIError(method, path string, status int, contentType string, body []byte) *APIError {
	e := &APIError{StatusCode: status, Method: method, Path: path}
	if isJSON(contentType, body) {
		if doc, err := jsonapi.Decode(body); err == nil && len(doc.Errors) > 0 {
			e.Errors = doc.Errors
			return e
		}
	}
	generic := jsonapi.Error{Title: http.StatusText(status), Status: strconv.Itoa(status)}
	if generic.Title == "" {
		generic.Title = "unexpected status"
	}
	if len(body) > 0 {
		ct := contentType
		if i := strings.IndexByte(ct, ';'); i >= 0 {
			ct = ct[:i]
		}
		ct = strings.TrimSpace(ct)
		if ct == "" {
			ct = "unknown content type"
		}
		// The body itself is deliberately left out: it may echo request data.
		generic.Detail = fmt.Sprintf("%s (the response was not a JSON:API error document: %s, %d bytes)",
			generic.Title, ct, len(body))
	}
	e.Errors = []jsonapi.Error{generic}
	return e
}

func isJSON(contentType string, body []byte) bool {
	ct := strings.ToLower(contentType)
	if strings.Contains(ct, "json") {
		return true
	}
	b := strings.TrimSpace(string(body[:min(len(body), 64)]))
	return strings.HasPrefix(b, "{")
}
