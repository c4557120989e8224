// Package contract checks simulator exchanges against the vendor's OpenAPI
// spec (../shared/provisioning-openapi.json, never copied into the repo) and,
// where the spec is silent, against the JSON:API conventions the API notes
// describe (query parameters, error documents).
package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// EnvSpec names the spec file explicitly.
const EnvSpec = "CLPROVISIONING_OPENAPI_SPEC"

const specName = "provisioning-openapi.json"

// ErrSpecNotFound: no spec file was found; callers skip their checks.
var ErrSpecNotFound = errors.New("contract: " + specName + " not found (set " + EnvSpec + " or keep it in ../shared)")

// Checker validates exchanges. It is safe for concurrent use.
type Checker struct {
	doc    *openapi3.T
	server *openapi3.Server
	opts   *openapi3filter.Options

	// kin-openapi does not document its validators as safe for concurrent
	// use; checks are quick, so they take turns.
	mu sync.Mutex
}

// Load finds and loads the spec: the file EnvSpec names (an error if it
// is missing), else shared/provisioning-openapi.json beside the working
// directory or one of its ancestors. ErrSpecNotFound when there is none.
func Load() (*Checker, error) {
	path := os.Getenv(EnvSpec)
	if path == "" {
		var err error
		if path, err = findSpec(); err != nil {
			return nil, err
		}
	}
	return load(path)
}

func findSpec() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrSpecNotFound, err)
	}
	for {
		candidate := filepath.Join(filepath.Dir(dir), "shared", specName)
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrSpecNotFound
		}
		dir = parent
	}
}

func load(path string) (*Checker, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("contract: loading %s: %w", path, err)
	}
	if err := patchQuirks(doc); err != nil {
		return nil, fmt.Errorf("contract: %s: %w", path, err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("contract: %s is not a valid OpenAPI document: %w", path, err)
	}
	if len(doc.Servers) == 0 {
		return nil, fmt.Errorf("contract: %s declares no server", path)
	}
	return &Checker{
		doc:    doc,
		server: doc.Servers[0],
		opts: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
			SkipSettingDefaults:   true,
			AuthenticationFunc:    requireBearer,
		},
	}, nil
}

// requireBearer is the spec's bearerAuth: the simulator decides whether the
// token is good; the contract is that one is sent.
func requireBearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme, token, _ := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return errors.New("no bearer token")
	}
	return nil
}

// Check returns the ways an exchange breaks the contract (nil if none).
// A request the spec does not allow must be refused with an error document;
// any other request must get a documented status and body.
func (c *Checker) Check(e simulator.Exchange) []error {
	// The auth server (token, revoke, key set) is not in the spec.
	if strings.HasPrefix(e.Path, "/oauth/") || strings.HasPrefix(e.Path, "/.well-known/") {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	in, reqErrs := c.checkRequest(e)
	if e.Status >= 400 {
		errs := checkErrorDocument(e)
		if in != nil && e.Status == http.StatusMethodNotAllowed {
			errs = append(errs, fmt.Errorf("405 for an operation the spec documents"))
		}
		return errs
	}
	if len(reqErrs) > 0 {
		return append([]error{fmt.Errorf("status %d for a request the spec does not allow", e.Status)}, reqErrs...)
	}
	return c.checkResponse(in, e)
}

// checkRequest validates the request; in is nil when no operation of the
// spec matches its method and path.
func (c *Checker) checkRequest(e simulator.Exchange) (*openapi3filter.RequestValidationInput, []error) {
	rest, ok := strings.CutPrefix(e.Path, "/api/")
	if !ok {
		return nil, []error{fmt.Errorf("request: %s is not under /api/", e.Path)}
	}
	route, params := c.findRoute(e.Method, "/"+rest)
	if route == nil {
		return nil, []error{fmt.Errorf("request: the spec has no operation %s %s", e.Method, e.Path)}
	}
	req, err := http.NewRequest(e.Method, c.server.URL+"/"+rest+"?"+e.RawQuery, bytes.NewReader(e.RequestBody))
	if err != nil {
		return nil, []error{fmt.Errorf("request: %w", err)}
	}
	req.Header = e.RequestHeader.Clone()
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: c.opts}
	errs := checkQuery(req.URL.Query())
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		errs = append(errs, flatten("request", err)...)
	}
	return in, errs
}

// findRoute matches a path (without /api) against the spec's templates.
func (c *Checker) findRoute(method, path string) (*routers.Route, map[string]string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for tmpl, item := range c.doc.Paths.Map() {
		params, ok := matchTemplate(strings.Split(strings.Trim(tmpl, "/"), "/"), segs)
		if !ok {
			continue
		}
		op := item.GetOperation(method)
		if op == nil {
			return nil, nil
		}
		return &routers.Route{Spec: c.doc, Server: c.server, Path: tmpl, PathItem: item, Method: method, Operation: op}, params
	}
	return nil, nil
}

// matchTemplate matches path segments against a template's; the spec has no
// two templates that both match a path, so the first match is the match.
func matchTemplate(tmpl, segs []string) (map[string]string, bool) {
	if len(tmpl) != len(segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, t := range tmpl {
		switch {
		case segs[i] == "":
			return nil, false
		case strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}"):
			params[t[1:len(t)-1]] = segs[i]
		case t != segs[i]:
			return nil, false
		}
	}
	return params, true
}

func (c *Checker) checkResponse(in *openapi3filter.RequestValidationInput, e simulator.Exchange) []error {
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 e.Status,
		Header:                 e.ResponseHeader,
		Body:                   io.NopCloser(bytes.NewReader(e.ResponseBody)),
		Options:                c.opts,
	}
	var errs []error
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		errs = flatten("response", err)
	}
	return append(errs, checkResources(e)...)
}

// flatten splits kin-openapi's multi-errors into one error each.
func flatten(where string, err error) []error {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []error
		for _, e := range me {
			out = append(out, flatten(where, e)...)
		}
		return out
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Err != nil && errors.As(re.Err, &me) {
		return flatten(where, re.Err)
	}
	var rse *openapi3filter.ResponseError
	if errors.As(err, &rse) && rse.Err != nil && errors.As(rse.Err, &me) {
		return flatten(where, rse.Err)
	}
	return []error{fmt.Errorf("%s: %w", where, err)}
}
