package provisioning

// Building requests: paths, query strings and bodies, and the exported calls
// that put them together. Sending, retrying and limiting live in transport.go.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// apiPath builds "/api/<seg>/<seg>..." from a slash-separated path, escaping
// each segment. Empty, "." and ".." segments are refused. A segment may
// arrive escaped (built by Path): it is unescaped first, so that an id's
// "/" stays inside its segment as %2F rather than splitting it.
func apiPath(path string) (p, endpoint string, err error) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i, s := range segs {
		if segs[i], err = url.PathUnescape(s); err != nil {
			return "", "", fmt.Errorf("provisioning: invalid path %q: %w", path, err)
		}
	}
	return apiPathSegments(segs...)
}

// Path joins path segments for GetPath, UpdatePath, Action and List,
// escaping each: Path("memberships", id, "resend") is one segment per
// argument whatever the id holds ("a/b" stays one segment, sent as a%2Fb).
func Path(segments ...string) string {
	escaped := make([]string, len(segments))
	for i, s := range segments {
		escaped[i] = url.PathEscape(s)
	}
	return strings.Join(escaped, "/")
}

func apiPathSegments(segs ...string) (p, endpoint string, err error) {
	var b strings.Builder
	b.WriteString("/api")
	for _, s := range segs {
		if s == "" || s == "." || s == ".." {
			return "", "", fmt.Errorf("provisioning: invalid path %q: empty or relative segment", strings.Join(segs, "/"))
		}
		b.WriteString("/")
		b.WriteString(url.PathEscape(s))
	}
	return b.String(), segs[0], nil
}

// Query selects, sorts and expands a list.
type Query struct {
	// Filters: "name_eq" -> "x" is sent as filter[q][name_eq]=x. Multi-value
	// matchers (_in, _any, ...) take comma-separated values.
	Filters map[string]string
	// Sort: "name", "-created_at" (descending).
	Sort []string
	// Include: relationships to include, e.g. "organization", "role".
	Include []string
}

// Get reads one resource: GET /api/<typ>/<id>?include=a,b. With
// Config.BatchWindow set, concurrent Gets of the same type and include are
// merged into one list request (see batch.go); the answer is the same.
func (c *Client) Get(ctx context.Context, typ, id string, include ...string) (*jsonapi.Resource, error) {
	if _, _, err := apiPathSegments(typ, id); err != nil {
		return nil, err
	}
	if c.batch.accepts(typ, id) {
		return c.batch.get(ctx, typ, id, include)
	}
	return c.getOne(ctx, typ, id, include)
}

// getOne is the plain GET of one resource.
func (c *Client) getOne(ctx context.Context, typ, id string, include []string) (*jsonapi.Resource, error) {
	p, ep, err := apiPathSegments(typ, id)
	if err != nil {
		return nil, err
	}
	cl := call{method: http.MethodGet, path: p, endpoint: ep, one: true}
	doc, err := c.read(ctx, cl, c.includedFields(typ, include), func(fields map[string]string) string {
		return encodeQueryFields(nil, nil, include, fields, 0)
	})
	if err != nil {
		return nil, err
	}
	r, err := doc.One()
	if err != nil {
		return nil, &RequestError{Method: cl.method, Path: cl.path, Err: err}
	}
	return r, nil
}

// GetDocument reads a one-object endpoint (e.g. "roles/<id>" or "user") and
// returns the whole document, included resources and all.
func (c *Client) GetDocument(ctx context.Context, path string, include ...string) (*jsonapi.Document, error) {
	p, ep, err := apiPath(path)
	if err != nil {
		return nil, err
	}
	doc, err := c.do(ctx, call{method: http.MethodGet, path: p, endpoint: ep, query: encodeQuery(nil, nil, include)})
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, &RequestError{Method: http.MethodGet, Path: p, Err: errors.New("the response has no body")}
	}
	return doc, nil
}

// GetPath reads a one-object endpoint by path, e.g. "user" or
// "api_credentials/<id>/role".
func (c *Client) GetPath(ctx context.Context, path string, include ...string) (*jsonapi.Resource, error) {
	p, ep, err := apiPath(path)
	if err != nil {
		return nil, err
	}
	return c.one(ctx, call{method: http.MethodGet, path: p, endpoint: ep, query: encodeQuery(nil, nil, include)})
}

// Create sends POST /api/<r.Type> and returns the created resource (201).
func (c *Client) Create(ctx context.Context, r *jsonapi.Resource, include ...string) (*jsonapi.Resource, error) {
	if r == nil || r.Type == "" {
		return nil, errors.New("provisioning: Create needs a resource with a type")
	}
	p, ep, err := apiPathSegments(r.Type)
	if err != nil {
		return nil, err
	}
	body, err := encodeBody(r)
	if err != nil {
		return nil, err
	}
	return c.one(ctx, call{method: http.MethodPost, path: p, endpoint: ep, query: encodeQuery(nil, nil, include), body: body})
}

// Update sends PATCH /api/<r.Type>/<r.ID> and returns the updated resource.
func (c *Client) Update(ctx context.Context, r *jsonapi.Resource, include ...string) (*jsonapi.Resource, error) {
	if r == nil || r.Type == "" || r.ID == "" {
		return nil, errors.New("provisioning: Update needs a resource with a type and an id")
	}
	p, ep, err := apiPathSegments(r.Type, r.ID)
	if err != nil {
		return nil, err
	}
	return c.patch(ctx, p, ep, r, include)
}

// UpdatePath sends PATCH /api/<path> for endpoints without an id in the
// path, e.g. "user".
func (c *Client) UpdatePath(ctx context.Context, path string, r *jsonapi.Resource, include ...string) (*jsonapi.Resource, error) {
	if r == nil || r.Type == "" {
		return nil, errors.New("provisioning: UpdatePath needs a resource with a type")
	}
	p, ep, err := apiPath(path)
	if err != nil {
		return nil, err
	}
	return c.patch(ctx, p, ep, r, include)
}

func (c *Client) patch(ctx context.Context, p, ep string, r *jsonapi.Resource, include []string) (*jsonapi.Resource, error) {
	body, err := encodeBody(r)
	if err != nil {
		return nil, err
	}
	return c.one(ctx, call{method: http.MethodPatch, path: p, endpoint: ep, query: encodeQuery(nil, nil, include), body: body})
}

// Delete sends DELETE /api/<typ>/<id> (204). A 404 is returned as an
// APIError (IsNotFound); callers that treat "already gone" as done check it.
func (c *Client) Delete(ctx context.Context, typ, id string) error {
	p, ep, err := apiPathSegments(typ, id)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, call{method: http.MethodDelete, path: p, endpoint: ep})
	return err
}

// Action calls a 202-style endpoint, e.g. POST Path("memberships", id, "resend")
// (r == nil: empty body) or PATCH Path("organizations", id, "transfer_ownership").
// Any 2xx is success; a body in the answer is ignored.
func (c *Client) Action(ctx context.Context, method, path string, r *jsonapi.Resource) error {
	method = strings.ToUpper(method)
	p, ep, err := apiPath(path)
	if err != nil {
		return err
	}
	cl := call{method: method, path: p, endpoint: ep}
	if r != nil {
		if cl.body, err = encodeBody(r); err != nil {
			return err
		}
	}
	_, err = c.do(ctx, cl)
	return err
}

// List reads every page of a collection: "roles" or a nested
// "organizations/<id>/roles". Pages are read 25 at a time (the maximum),
// in order, until meta.page_count (or, without it, links without a "next";
// without either, a short or empty page) says the last page was reached.
// A page that starts with the same resource as the one before means the
// server ignored page[number]: that is an error, not an endless loop.
func (c *Client) List(ctx context.Context, path string, q Query) ([]jsonapi.Resource, error) {
	p, ep, err := apiPath(path)
	if err != nil {
		return nil, err
	}
	var fields map[string]string
	if !strings.Contains(strings.Trim(path, "/"), "/") { // the collection of one type
		fields = c.includedFields(strings.Trim(path, "/"), q.Include)
	}
	const maxPages = 100000 // a guard against a server that never stops
	all := []jsonapi.Resource{}
	var prevFirst jsonapi.Identifier
	for page := 1; page <= maxPages; page++ {
		doc, err := c.read(ctx, call{method: http.MethodGet, path: p, endpoint: ep}, fields, func(fields map[string]string) string {
			return encodeQueryFields(q.Filters, q.Sort, q.Include, fields, page)
		})
		if err != nil {
			return nil, err
		}
		if doc == nil {
			return nil, &RequestError{Method: http.MethodGet, Path: p, Err: errors.New("the response has no body")}
		}
		items, err := doc.Many()
		if err != nil {
			return nil, &RequestError{Method: http.MethodGet, Path: p, Err: err}
		}
		if len(items) > 0 {
			first := jsonapi.Identifier{Type: items[0].Type, ID: items[0].ID}
			if first.ID != "" && first == prevFirst {
				return nil, &RequestError{Method: http.MethodGet, Path: p, Err: fmt.Errorf(
					"page %d starts with the same %s %q as page %d: the API ignored page[number]", page, first.Type, first.ID, page-1)}
			}
			prevFirst = first
		}
		all = append(all, items...)
		if !hasNextPage(doc, page, len(items)) {
			return all, nil
		}
	}
	return nil, &RequestError{Method: http.MethodGet, Path: p, Err: fmt.Errorf("more than %d pages", maxPages)}
}

func hasNextPage(doc *jsonapi.Document, page, n int) bool {
	if n == 0 {
		return false
	}
	if pc, ok := metaInt(doc.Meta, "page_count"); ok {
		return page < pc
	}
	if doc.Links != nil {
		return doc.Links["next"] != ""
	}
	return n >= PageSize
}

func metaInt(m map[string]any, key string) (int, bool) {
	switch v := m[key].(type) {
	case interface{ Int64() (int64, error) }: // json.Number
		n, err := v.Int64()
		return int(n), err == nil
	case float64:
		return int(v), true
	}
	return 0, false
}

// one runs a call whose answer is a single resource.
func (c *Client) one(ctx context.Context, cl call) (*jsonapi.Resource, error) {
	cl.one = true // checked by decode, so that a POST's unreadable answer is an unknown outcome
	doc, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	r, err := doc.One()
	if err != nil {
		return nil, &RequestError{Method: cl.method, Path: cl.path, Err: err}
	}
	return r, nil
}

func encodeBody(r *jsonapi.Resource) ([]byte, error) {
	doc, err := jsonapi.NewOne(r)
	if err != nil {
		return nil, fmt.Errorf("provisioning: encoding %s: %w", r.Type, err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("provisioning: encoding %s: %w", r.Type, err)
	}
	return b, nil
}

// encodeQuery builds a query string with readable keys:
// filter[q][name_eq]=x&include=a,b&page[number]=2&page[size]=25&sort=-name.
// Keys are sorted for stable URLs; values are escaped except for commas.
// page <= 0 leaves out pagination.
func encodeQuery(filters map[string]string, sortBy, include []string) string {
	return encodeQueryFields(filters, sortBy, include, nil, 0)
}

// encodeQueryFields is encodeQuery with sparse fieldsets: "organizations" ->
// "name" is sent as fields[organizations]=name.
func encodeQueryFields(filters map[string]string, sortBy, include []string, fields map[string]string, page int) string {
	var parts []string
	add := func(k, v string) { parts = append(parts, escapeQuery(k)+"="+escapeQuery(v)) }
	keys := make([]string, 0, len(filters))
	for k := range filters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add("filter[q]["+k+"]", filters[k])
	}
	if len(include) > 0 {
		add("include", strings.Join(include, ","))
	}
	for _, typ := range slices.Sorted(maps.Keys(fields)) {
		add("fields["+typ+"]", fields[typ])
	}
	if page > 0 {
		add("page[number]", strconv.Itoa(page))
		add("page[size]", strconv.Itoa(PageSize))
	}
	if len(sortBy) > 0 {
		add("sort", strings.Join(sortBy, ","))
	}
	return strings.Join(parts, "&")
}

var queryUnescaper = strings.NewReplacer("%5B", "[", "%5D", "]", "%2C", ",")

func escapeQuery(s string) string { return queryUnescaper.Replace(url.QueryEscape(s)) }
