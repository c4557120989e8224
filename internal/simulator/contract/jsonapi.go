package contract

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// The spec declares no query parameter and no error response; these checks
// follow the conventions of the API notes (§1) instead.

const maxPageSize = 25

var (
	fieldsParam = regexp.MustCompile(`^fields\[[a-z_]+\]$`)
	// filter[q][<attrs>_<matcher>], matchers with their not_, _any, _all
	// and _or_null variants.
	filterParam = regexp.MustCompile(`^filter\[q\]\[[a-z0-9_]+?_(not_)?(eq|lt|lteq|gt|gteq|in|null|present|blank|true|false|matches|does_not_match|start|end|cont|i_cont|jcont)(_any|_all|_or_null)?\]$`)
	fieldList   = regexp.MustCompile(`^-?[a-z_]+(\.[a-z_]+)*(,-?[a-z_]+(\.[a-z_]+)*)*$`)
)

// checkQuery validates the query parameters of a request.
func checkQuery(q url.Values) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("request: query: "+format, args...)) }
	for _, key := range slices.Sorted(func(yield func(string) bool) {
		for k := range q {
			if !yield(k) {
				return
			}
		}
	}) {
		v := q.Get(key)
		switch {
		case len(q[key]) > 1:
			bad("%s given %d times", key, len(q[key]))
		case key == "include" || key == "sort" || fieldsParam.MatchString(key):
			if !fieldList.MatchString(v) || key != "sort" && strings.Contains(v, "-") {
				bad("%s=%q is not a comma-separated list of names", key, v)
			}
		case key == "page[number]" || key == "page[size]":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || key == "page[size]" && n > maxPageSize {
				bad("%s=%q must be an integer from 1%s", key, v, map[bool]string{true: " to 25", false: ""}[key == "page[size]"])
			}
		case filterParam.MatchString(key):
		default:
			bad("%s is not a JSON:API parameter of this API", key)
		}
	}
	return errs
}

// checkErrorDocument validates a 4xx/5xx answer:
// {"errors":[{title, detail, code, status, source:{pointer}}]}, with status
// a string, and a source pointer on every 422 error.
func checkErrorDocument(e simulator.Exchange) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("error response: "+format, args...)) }
	if mt, _, _ := mime.ParseMediaType(e.ResponseHeader.Get("Content-Type")); mt != "application/vnd.api+json" {
		bad("Content-Type %q, want application/vnd.api+json", e.ResponseHeader.Get("Content-Type"))
	}
	var doc struct {
		Errors []struct {
			Title, Detail, Code string
			Status              any
			Source              *struct{ Pointer, Parameter string }
		}
	}
	if err := json.Unmarshal(e.ResponseBody, &doc); err != nil {
		bad("not a JSON object: %v", err)
		return errs
	}
	if len(doc.Errors) == 0 {
		bad("no errors array")
	}
	for i, x := range doc.Errors {
		if s, ok := x.Status.(string); !ok || s != strconv.Itoa(e.Status) {
			bad("errors[%d].status = %#v, want the string %q", i, x.Status, strconv.Itoa(e.Status))
		}
		if x.Code == "" || x.Title == "" && x.Detail == "" {
			bad("errors[%d] needs a code and a title or detail", i)
		}
		if x.Source != nil && x.Source.Pointer != "" && !strings.HasPrefix(x.Source.Pointer, "/data") {
			bad("errors[%d].source.pointer %q is not a pointer into the request document", i, x.Source.Pointer)
		}
		if e.Status == 422 && (x.Source == nil || x.Source.Pointer == "") {
			bad("errors[%d]: a 422 error needs source.pointer", i)
		}
	}
	return errs
}

// checkResources asserts what the spec leaves optional but JSON:API
// requires of every resource object: id, type, attributes and a self link.
func checkResources(e simulator.Exchange) []error {
	if len(e.ResponseBody) == 0 {
		return nil
	}
	var doc struct {
		Data     json.RawMessage
		Included []json.RawMessage
	}
	if err := json.Unmarshal(e.ResponseBody, &doc); err != nil || len(doc.Data) == 0 || string(doc.Data) == "null" {
		return nil // the schema check reports malformed bodies
	}
	objs := doc.Included
	if doc.Data[0] == '[' {
		var list []json.RawMessage
		_ = json.Unmarshal(doc.Data, &list)
		objs = append(objs, list...)
	} else {
		objs = append(objs, doc.Data)
	}
	var errs []error
	for _, raw := range objs {
		var r struct {
			ID, Type   string
			Attributes map[string]any
			Links      struct{ Self string }
		}
		if err := json.Unmarshal(raw, &r); err != nil || r.ID == "" || r.Type == "" || r.Attributes == nil || r.Links.Self == "" {
			errs = append(errs, fmt.Errorf("response: a resource object lacks id, type, attributes or links.self: %.200s", raw))
		}
	}
	return errs
}
