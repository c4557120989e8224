package simulator_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator/contract"
)

const (
	clientID     = "test-client-id"
	clientSecret = "test-client-secret"
)

var (
	specOnce    sync.Once
	specChecker *contract.Checker
	specErr     error
)

// checker returns the contract checker, nil (with a logged reason) when the
// spec is absent.
func checker(t *testing.T) *contract.Checker {
	t.Helper()
	specOnce.Do(func() { specChecker, specErr = contract.Load() })
	switch {
	case errors.Is(specErr, contract.ErrSpecNotFound):
		t.Log("contract checks skipped: ../shared/provisioning-openapi.json not found (set CLPROVISIONING_OPENAPI_SPEC)")
	case specErr != nil:
		t.Fatalf("loading the OpenAPI spec: %v", specErr)
	}
	return specChecker
}

// harness is a simulator behind an httptest server whose every exchange is
// checked against the spec; a violation fails the test.
type harness struct {
	t     *testing.T
	sim   *simulator.Simulator
	url   string
	token string
	clock *fakeClock
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newHarness(t *testing.T, opts ...func(*simulator.Options)) *harness {
	t.Helper()
	o := simulator.Options{ClientID: clientID, ClientSecret: clientSecret}
	if c := checker(t); c != nil {
		o.OnExchange = func(e simulator.Exchange) {
			for _, err := range c.Check(e) {
				t.Errorf("contract violation: %s %s?%s -> %d: %v", e.Method, e.Path, e.RawQuery, e.Status, err)
			}
		}
	}
	for _, f := range opts {
		f(&o)
	}
	h := &harness{t: t, sim: simulator.New(o), clock: &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}}
	h.sim.SetClock(h.clock.Now)
	srv := httptest.NewServer(h.sim)
	t.Cleanup(srv.Close)
	h.url = srv.URL
	h.token = h.fetchToken()
	return h
}

func (h *harness) fetchToken() string {
	h.t.Helper()
	res := h.raw(http.MethodPost, "/oauth/token", "application/x-www-form-urlencoded",
		"grant_type=client_credentials&client_id="+clientID+"&client_secret="+clientSecret, nil)
	if res.status != http.StatusOK {
		h.t.Fatalf("token: %d %s", res.status, res.body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(res.body, &tok); err != nil || tok.AccessToken == "" {
		h.t.Fatalf("token: %v %s", err, res.body)
	}
	return tok.AccessToken
}

// result is an HTTP answer.
type result struct {
	status int
	header http.Header
	body   []byte
}

// raw sends a request with the given content type and body, and headers.
func (h *harness) raw(method, path, contentType, body string, header http.Header) *result {
	h.t.Helper()
	res, err := h.send(http.DefaultClient, method, path, contentType, body, header)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

func (h *harness) send(client *http.Client, method, path, contentType, body string, header http.Header) (*result, error) {
	req, err := http.NewRequest(method, h.url+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &result{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// auth are the headers of an authenticated JSON:API request.
func (h *harness) auth() http.Header {
	return http.Header{"Authorization": {"Bearer " + h.token}, "Accept": {jsonapi.MediaType}}
}

// do sends an authenticated JSON:API request; body (if not nil) is
// marshalled as the request document.
func (h *harness) do(method, path string, body any) *result {
	h.t.Helper()
	var b []byte
	ct := ""
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			h.t.Fatal(err)
		}
		ct = jsonapi.MediaType
	}
	return h.raw(method, path, ct, string(b), h.auth())
}

func (r *result) doc(t *testing.T) *jsonapi.Document {
	t.Helper()
	d, err := jsonapi.Decode(r.body)
	if err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	return d
}

func (r *result) one(t *testing.T) *jsonapi.Resource {
	t.Helper()
	res, err := r.doc(t).One()
	if err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	return res
}

func (r *result) many(t *testing.T) []jsonapi.Resource {
	t.Helper()
	rs, err := r.doc(t).Many()
	if err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	return rs
}

// ids lists the ids of a list response.
func (r *result) ids(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, x := range r.many(t) {
		out = append(out, x.ID)
	}
	return out
}

// firstError is the first error of an error document.
func (r *result) firstError(t *testing.T) jsonapi.Error {
	t.Helper()
	d := r.doc(t)
	if len(d.Errors) == 0 {
		t.Fatalf("no errors in %d %s", r.status, r.body)
	}
	return d.Errors[0]
}

// must fails unless the status is want, and returns r.
func (r *result) must(t *testing.T, want int) *result {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %.600s", r.status, want, r.body)
	}
	return r
}

// wantError checks status, code and source pointer of the first error.
func (r *result) wantError(t *testing.T, status int, code, pointer string) {
	t.Helper()
	r.must(t, status)
	e := r.firstError(t)
	if code != "" && e.Code != code {
		t.Errorf("code %q, want %q: %s", e.Code, code, r.body)
	}
	got := ""
	if e.Source != nil {
		got = e.Source.Pointer
	}
	if got != pointer {
		t.Errorf("pointer %q, want %q: %s", got, pointer, r.body)
	}
}

// object asserts that an attribute value is a JSON object.
func object(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%#v is not an object", v)
	}
	return m
}

// --- request documents ---

type attrs = map[string]any

func rel(typ, id string) map[string]any {
	return map[string]any{"data": map[string]any{"type": typ, "id": id}}
}

func rels(typ string, ids ...string) map[string]any {
	data := []any{}
	for _, id := range ids {
		data = append(data, map[string]any{"type": typ, "id": id})
	}
	return map[string]any{"data": data}
}

// doc builds {data:{type, id?, attributes, relationships?}}.
func doc(typ, id string, a attrs, relationships map[string]any) map[string]any {
	data := map[string]any{"type": typ, "attributes": a}
	if id != "" {
		data["id"] = id
	}
	if len(relationships) > 0 {
		data["relationships"] = relationships
	}
	return map[string]any{"data": data}
}

func create(typ string, a attrs, relationships map[string]any) map[string]any {
	return doc(typ, "", a, relationships)
}

// --- fixtures ---

func (h *harness) createOK(typ string, body map[string]any) *jsonapi.Resource {
	h.t.Helper()
	return h.do(http.MethodPost, "/api/"+typ, body).must(h.t, http.StatusCreated).one(h.t)
}

func (h *harness) org(name string) string {
	h.t.Helper()
	return h.createOK("organizations", create("organizations", attrs{"name": name}, nil)).ID
}

// roleOf finds an organization's role of a kind (admin, read_only).
func (h *harness) roleOf(org, kind string) string {
	h.t.Helper()
	for _, r := range h.do(http.MethodGet, "/api/organizations/"+org+"/roles", nil).must(h.t, 200).many(h.t) {
		if r.String("kind") == kind {
			return r.ID
		}
	}
	h.t.Fatalf("organization %s has no %s role", org, kind)
	return ""
}

func (h *harness) customRole(org, name string) string {
	h.t.Helper()
	return h.createOK("roles", create("roles", attrs{"name": name}, map[string]any{"organization": rel("organizations", org)})).ID
}

func (h *harness) membership(org, role, email string) *jsonapi.Resource {
	h.t.Helper()
	return h.createOK("memberships", create("memberships", attrs{"user_email": email}, map[string]any{
		"organization": rel("organizations", org), "role": rel("roles", role),
	}))
}

func (h *harness) profile(org, name, scope string) string {
	h.t.Helper()
	return h.createOK("membership_profiles", create("membership_profiles", attrs{"name": name, "access_scope": scope},
		map[string]any{"organization": rel("organizations", org)})).ID
}

func (h *harness) credential(org, kind, role string) *jsonapi.Resource {
	h.t.Helper()
	r := map[string]any{"organization": rel("organizations", org)}
	if role != "" {
		r["role"] = rel("roles", role)
	}
	return h.createOK("api_credentials", create("api_credentials", attrs{"name": kind + " app", "kind": kind}, r))
}

func identityProviderAttrs(name string) attrs {
	return attrs{
		"name": name, "client_id": "idp-client", "client_secret": "idp-secret-123456",
		"issuer": "https://idp.example.com", "domains": "example.com,example.org",
		"token_url": "https://idp.example.com/token", "authorize_url": "https://idp.example.com/authorize",
		"jwks_url": "https://idp.example.com/jwks",
	}
}
