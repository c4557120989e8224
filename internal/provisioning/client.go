// Package provisioning is a client for the Commerce Layer Provisioning API.
//
// It knows HTTP, JSON:API, OAuth 2 client credentials, retries and the
// published rate limits, and nothing of Terraform: a Go program can provision
// with it on its own. Logging goes through tflog, which is a no-op unless the
// context carries a logger (as it does inside a Terraform provider).
//
// Guarantees:
//   - One access token per Client, shared by all goroutines; a 401 refreshes
//     it once (with client credentials) and repeats the request.
//   - GET, PATCH and DELETE are retried on 429, 500/502/503/504 and
//     connection errors. POST is retried only where the API cannot have
//     acted (429, connection refused); after a timeout, a dropped connection
//     or a 5xx it returns an *UnknownOutcomeError instead of risking a
//     duplicate.
//   - A client-side limiter keeps under the published limits.
//   - Tokens, client secrets, Authorization headers and response bodies are
//     never logged nor put into errors.
package provisioning

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

const (
	DefaultAPIURL  = "https://provisioning.commercelayer.io"
	DefaultAuthURL = "https://auth.commercelayer.io"

	// DefaultUserAgent is sent when Config.UserAgent is empty.
	DefaultUserAgent = "clprovisioning-go"

	// PageSize is the page size used by List: the API's maximum.
	PageSize = 25

	defaultMaxRetries     = 6
	defaultRetryWaitMin   = 500 * time.Millisecond
	defaultRetryWaitMax   = 30 * time.Second
	defaultRetryBudget    = 5 * time.Minute
	defaultRequestTimeout = 60 * time.Second
)

// Config configures a Client. Zero values take the documented defaults.
type Config struct {
	// APIURL is the API's base URL; requests go to APIURL + "/api/...".
	// A trailing "/api" is tolerated. Default DefaultAPIURL.
	APIURL string
	// AuthURL is the auth server's base URL; tokens come from
	// AuthURL + "/oauth/token". Default DefaultAuthURL.
	AuthURL string

	// ClientID and ClientSecret: the client-credentials pair. When set, the
	// client fetches (and on a 401 refreshes) its own token.
	ClientID, ClientSecret string
	// AccessToken is a ready token. Without ClientID/ClientSecret it cannot
	// be refreshed, so a 401 is returned as an error. With them, it is used
	// first and replaced by a fetched one when the API rejects it.
	AccessToken string

	UserAgent string

	// HTTPClient is optional; the default is go-cleanhttp's pooled client.
	// Its Timeout, if any, applies on top of RequestTimeout.
	HTTPClient *http.Client

	// MaxRetries is the number of retries after the first attempt
	// (default 6; a negative value disables retries).
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff
	// (defaults 500ms and 30s). A server's Retry-After takes precedence.
	RetryWaitMin, RetryWaitMax time.Duration
	// RetryBudget caps the total time one call may spend, retries and waits
	// included (default 5m). A retry whose wait would exceed it is not made.
	RetryBudget time.Duration
	// RequestTimeout applies to each attempt (default 60s).
	RequestTimeout time.Duration

	// DisableRateLimit turns off the client-side limiter (on by default).
	DisableRateLimit bool
}

// Client talks to the Provisioning API. It is safe for concurrent use.
type Client struct {
	apiBase   string // scheme://host[/prefix], no trailing slash
	http      *http.Client
	auth      *tokenSource
	limiter   *limiter // nil when disabled
	userAgent string
	secrets   []string // masked in logs (defence in depth)

	maxRetries       int
	waitMin, waitMax time.Duration
	budget           time.Duration
	reqTimeout       time.Duration
}

// New validates cfg and builds a Client. It makes no request.
func New(cfg Config) (*Client, error) {
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.AuthURL == "" {
		cfg.AuthURL = DefaultAuthURL
	}
	apiBase, err := parseBaseURL("API URL", cfg.APIURL)
	if err != nil {
		return nil, err
	}
	// Tolerate a base URL given with its "/api" (as in the API docs).
	apiBase = strings.TrimSuffix(apiBase, "/api")
	authBase, err := parseBaseURL("auth URL", cfg.AuthURL)
	if err != nil {
		return nil, err
	}

	switch {
	case (cfg.ClientID == "") != (cfg.ClientSecret == ""):
		return nil, errors.New("provisioning: client_id and client_secret must be set together")
	case cfg.ClientID == "" && cfg.AccessToken == "":
		return nil, errors.New("provisioning: credentials missing: set client_id and client_secret, or access_token")
	}

	for name, d := range map[string]time.Duration{
		"RetryWaitMin": cfg.RetryWaitMin, "RetryWaitMax": cfg.RetryWaitMax,
		"RetryBudget": cfg.RetryBudget, "RequestTimeout": cfg.RequestTimeout,
	} {
		if d < 0 {
			return nil, fmt.Errorf("provisioning: %s must not be negative", name)
		}
	}
	c := &Client{
		apiBase:    apiBase,
		http:       cfg.HTTPClient,
		userAgent:  cfg.UserAgent,
		maxRetries: cfg.MaxRetries,
		waitMin:    orDefault(cfg.RetryWaitMin, defaultRetryWaitMin),
		waitMax:    orDefault(cfg.RetryWaitMax, defaultRetryWaitMax),
		budget:     orDefault(cfg.RetryBudget, defaultRetryBudget),
		reqTimeout: orDefault(cfg.RequestTimeout, defaultRequestTimeout),
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = defaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.waitMax < c.waitMin {
		c.waitMax = c.waitMin
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	cfg.UserAgent = c.userAgent
	if c.http == nil {
		c.http = cleanhttp.DefaultPooledClient()
	}
	if !cfg.DisableRateLimit {
		c.limiter = newLimiter(defaultLimitSpecs())
	}
	c.auth = newTokenSource(&cfg, authBase+"/oauth/token", c.http, c.limiter)
	for _, s := range []string{cfg.ClientSecret, cfg.AccessToken} {
		if s != "" {
			c.secrets = append(c.secrets, s)
		}
	}
	return c, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// parseBaseURL checks a base URL: http or https, a host, no credentials,
// query or fragment; plain http only towards a loopback host. It returns the
// URL without a trailing slash.
func parseBaseURL(what, raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		// url's own message repeats the input, which could hold userinfo.
		return "", fmt.Errorf("provisioning: the %s is not a valid URL", what)
	}
	if u.User != nil {
		return "", fmt.Errorf("provisioning: the %s must not contain credentials", what)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("provisioning: the %s %q must start with https://", what, u.Redacted())
	}
	if u.Host == "" {
		return "", fmt.Errorf("provisioning: the %s %q has no host", what, u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("provisioning: the %s %q must not have a query or fragment", what, u.Redacted())
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", fmt.Errorf("provisioning: the %s %q uses plain http, which is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https", what, u.Redacted())
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// apiPath builds "/api/<seg>/<seg>..." from a slash-separated path, escaping
// each segment. Empty, "." and ".." segments are refused.
func apiPath(path string) (p, endpoint string, err error) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	return apiPathSegments(segs...)
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

// Get reads one resource: GET /api/<typ>/<id>?include=a,b.
func (c *Client) Get(ctx context.Context, typ, id string, include ...string) (*jsonapi.Resource, error) {
	p, ep, err := apiPathSegments(typ, id)
	if err != nil {
		return nil, err
	}
	return c.one(ctx, call{method: http.MethodGet, path: p, endpoint: ep, query: encodeQuery(nil, nil, include, 0)})
}

// GetDocument reads a one-object endpoint (e.g. "roles/<id>" or "user") and
// returns the whole document, included resources and all.
func (c *Client) GetDocument(ctx context.Context, path string, include ...string) (*jsonapi.Document, error) {
	p, ep, err := apiPath(path)
	if err != nil {
		return nil, err
	}
	doc, err := c.do(ctx, call{method: http.MethodGet, path: p, endpoint: ep, query: encodeQuery(nil, nil, include, 0)})
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
	return c.one(ctx, call{method: http.MethodGet, path: p, endpoint: ep, query: encodeQuery(nil, nil, include, 0)})
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
	return c.one(ctx, call{method: http.MethodPost, path: p, endpoint: ep, query: encodeQuery(nil, nil, include, 0), body: body})
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
	return c.one(ctx, call{method: http.MethodPatch, path: p, endpoint: ep, query: encodeQuery(nil, nil, include, 0), body: body})
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

// Action calls a 202-style endpoint, e.g. POST "memberships/<id>/resend"
// (r == nil: empty body) or PATCH "organizations/<id>/transfer_ownership".
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
	const maxPages = 100000 // a guard against a server that never stops
	all := []jsonapi.Resource{}
	var prevFirst jsonapi.Identifier
	for page := 1; page <= maxPages; page++ {
		doc, err := c.do(ctx, call{method: http.MethodGet, path: p, endpoint: ep,
			query: encodeQuery(q.Filters, q.Sort, q.Include, page)})
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
	doc, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, &RequestError{Method: cl.method, Path: cl.path, Err: errors.New("the response has no body")}
	}
	r, err := doc.One()
	if err != nil {
		return nil, &RequestError{Method: cl.method, Path: cl.path, Err: err}
	}
	return r, nil
}
