package simulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// apiError is one entry of a JSON:API error document, with its HTTP status.
type apiError struct {
	status    int
	code      string
	title     string
	detail    string
	pointer   string
	parameter string
	meta      map[string]any
}

func (e *apiError) wire() jsonapi.Error {
	out := jsonapi.Error{
		Title:  e.title,
		Detail: e.detail,
		Code:   e.code,
		Status: strconv.Itoa(e.status),
		Meta:   e.meta,
	}
	if e.pointer != "" || e.parameter != "" {
		out.Source = &jsonapi.ErrorSource{Pointer: e.pointer, Parameter: e.parameter}
	}
	return out
}

func (e *apiError) Error() string { return e.detail }

// errorDocument renders errors; the HTTP status is the first error's.
func errorDocument(errs []*apiError) (int, *jsonapi.Document) {
	doc := &jsonapi.Document{}
	for _, e := range errs {
		doc.Errors = append(doc.Errors, e.wire())
	}
	return errs[0].status, doc
}

func errBadRequest(code, detail string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, title: "Bad request", detail: detail}
}

// errParamNotAllowed: an attribute or relationship the operation does not accept.
func errParamNotAllowed(pointer, name string) *apiError {
	return &apiError{
		status: http.StatusBadRequest, code: "PARAM_NOT_ALLOWED", title: "Param not allowed",
		detail: name + " is not allowed.", pointer: pointer,
	}
}

func errQueryParam(code, param, detail string) *apiError {
	e := errBadRequest(code, detail)
	e.parameter = param
	return e
}

func errUnauthorized(detail string) *apiError {
	return &apiError{status: http.StatusUnauthorized, code: "INVALID_TOKEN", title: "Invalid token", detail: detail}
}

// notPermitted is the Core API's detail for a token without the permission
// an operation needs (observed as {"code":"UNAUTHORIZED","detail":"You are
// not authorized to perform this action on the requested resource.",
// "status":"401"} in a Commerce Layer storefront's notes on a Core answer).
const notPermitted = "You are not authorized to perform this action on the requested resource."

// errNotPermitted refuses an operation the caller may not perform. The
// handling-errors table of the Core docs, which the Provisioning docs defer
// to, lists "didn't have enough permissions" under 401 and documents no 403
// (source: docs.commercelayer.io/core/handling-errors). The code is
// UNAUTHORIZED, not the INVALID_TOKEN of a bad token (the SDK's error.ts
// names both for the Provisioning API). Assumption: the detail goes on to
// say why (the real wording of the reason is unknown).
func errNotPermitted(reason string) *apiError {
	return &apiError{
		status: http.StatusUnauthorized, code: "UNAUTHORIZED", title: "Unauthorized",
		detail: strings.TrimSuffix(notPermitted, ".") + ": " + reason,
	}
}

func errNotFound() *apiError {
	return &apiError{
		status: http.StatusNotFound, code: "RECORD_NOT_FOUND", title: "Record not found",
		detail: "The requested resource was not found",
	}
}

func errRouteNotFound(path string) *apiError {
	return &apiError{
		status: http.StatusNotFound, code: "NOT_FOUND", title: "Not found",
		detail: fmt.Sprintf("The path %s does not exist", path),
	}
}

func errMethodNotAllowed(method, path string) *apiError {
	return &apiError{
		status: http.StatusMethodNotAllowed, code: "METHOD_NOT_ALLOWED", title: "Method not allowed",
		detail: fmt.Sprintf("%s is not allowed on %s", method, path),
	}
}

func errNotAcceptable() *apiError {
	return &apiError{
		status: http.StatusNotAcceptable, code: "NOT_ACCEPTABLE", title: "Not acceptable",
		detail: "All requests must accept " + jsonapi.MediaType,
	}
}

func errUnsupportedMediaType() *apiError {
	return &apiError{
		status: http.StatusUnsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE", title: "Unsupported media type",
		detail: "All requests that create or update must use the '" + jsonapi.MediaType + "' Content-Type",
	}
}

func errTooManyRequests() *apiError {
	return &apiError{
		status: http.StatusTooManyRequests, code: "TOO_MANY_REQUESTS", title: "Too many requests",
		detail: "You have exceeded the rate limit: retry after the time given in Retry-After",
	}
}

func errServer(status int) *apiError {
	codes := map[int]string{
		500: "INTERNAL_SERVER_ERROR", 502: "BAD_GATEWAY", 503: "SERVICE_UNAVAILABLE", 504: "GATEWAY_TIMEOUT",
	}
	code, ok := codes[status]
	if !ok {
		code = "ERROR"
	}
	return &apiError{status: status, code: code, title: http.StatusText(status), detail: "Injected fault: " + http.StatusText(status)}
}

// errValidation is a 422 about one attribute or relationship, in the shape
// the docs and the SDK show: title the message, detail "<name> - <message>",
// source.pointer the member, meta.error the rule's key (Rails' error type),
// e.g. {"title":"can't be blank","detail":"name - can't be blank",
// "code":"VALIDATION_ERROR","source":{"pointer":"/data/attributes/name"},
// "status":"422","meta":{"error":"blank"}} (source: provisioning-sdk
// README, "Handling validation errors"; the Core handling-errors page's 422
// example adds meta.value and meta.count for a numeric bound).
// where is "attributes" or "relationships"; msg is e.g. "can't be blank".
func errValidation(where, name, msg string) *apiError {
	return &apiError{
		status: http.StatusUnprocessableEntity, code: "VALIDATION_ERROR", title: msg,
		detail: name + " - " + msg, pointer: "/data/" + where + "/" + name,
		meta: map[string]any{"error": errorKey(msg)},
	}
}

// errorKeys are Rails' keys of the standard validation messages.
var errorKeys = []struct{ prefix, key string }{
	{"can't be blank", "blank"},
	{"has already been taken", "taken"},
	{"is not included in the list", "inclusion"},
	{"is not a number", "not_a_number"},
	{"must be an integer", "not_an_integer"},
	{"must be greater than or equal to", "greater_than_or_equal_to"},
	{"must be less than or equal to", "less_than_or_equal_to"},
	{"is invalid", "invalid"},
}

// errorKey is the meta.error of a message. Assumption: a message of the
// simulator's own rules (the real wording is not documented) has the key
// "invalid", as a custom Rails validation adding :invalid would.
func errorKey(msg string) string {
	for _, k := range errorKeys {
		if strings.HasPrefix(msg, k.prefix) {
			return k.key
		}
	}
	return "invalid"
}

// errBound is the 422 of a number outside a bound: key, e.g.
// "less_than_or_equal_to", with meta value (what was sent) and count (the
// bound), as in the Core handling-errors page's 422 example.
func errBound(name, key, msg string, value, bound int64) *apiError {
	e := errAttr(name, msg)
	e.meta = map[string]any{"error": key, "value": value, "count": bound}
	return e
}

func errAttr(name, msg string) *apiError { return errValidation("attributes", name, msg) }

func errRel(name, msg string) *apiError { return errValidation("relationships", name, msg) }

func errBase(msg string) *apiError {
	e := errValidation("attributes", "base", msg)
	e.pointer = "/data"
	e.detail = msg
	return e
}
