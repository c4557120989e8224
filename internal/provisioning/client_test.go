package provisioning

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

var (
	jsonapi401  = jsonapi.Error{Title: "Invalid token", Code: "INVALID_TOKEN", Status: "401"}
	jsonapiRole = jsonapi.Resource{Type: "roles", Attributes: map[string]any{"name": "ops"}}
)

func TestNewValidation(t *testing.T) {
	t.Parallel()
	ok := Config{ClientID: "id", ClientSecret: testClientSecret}
	tests := []struct {
		name    string
		mod     func(*Config)
		wantErr string
	}{
		{"defaults", func(*Config) {}, ""},
		{"static token only", func(c *Config) { c.ClientID, c.ClientSecret, c.AccessToken = "", "", "tok" }, ""},
		{"no credentials", func(c *Config) { c.ClientID, c.ClientSecret = "", "" }, "credentials missing"},
		{"id without secret", func(c *Config) { c.ClientSecret = "" }, "set together"},
		{"secret without id", func(c *Config) { c.ClientID = "" }, "set together"},
		{"http non-loopback API", func(c *Config) { c.APIURL = "http://provisioning.example.com" }, "plain http"},
		{"http non-loopback auth", func(c *Config) { c.AuthURL = "http://10.0.0.1:8080" }, "plain http"},
		{"http 127.0.0.1", func(c *Config) { c.APIURL, c.AuthURL = "http://127.0.0.1:8080", "http://127.0.0.1:8080" }, ""},
		{"http 127.1.2.3", func(c *Config) { c.APIURL = "http://127.1.2.3:8080/" }, ""},
		{"http ::1", func(c *Config) { c.APIURL = "http://[::1]:8080" }, ""},
		{"http localhost", func(c *Config) { c.APIURL = "http://LOCALHOST:9" }, ""},
		{"http localhost lookalike", func(c *Config) { c.APIURL = "http://localhost.evil.com" }, "plain http"},
		{"https anywhere", func(c *Config) { c.APIURL = "https://proxy.example.com/base" }, ""},
		{"ftp", func(c *Config) { c.APIURL = "ftp://x" }, "must start with https://"},
		{"no host", func(c *Config) { c.APIURL = "https://" }, "no host"},
		{"userinfo", func(c *Config) { c.APIURL = "https://u:" + testClientSecret + "@x" }, "must not contain credentials"},
		{"query", func(c *Config) { c.AuthURL = "https://x/?a=b" }, "query"},
		{"unparsable", func(c *Config) { c.APIURL = "https://x:" + testClientSecret + "%zz" }, "not a valid URL"},
		{"negative timeout", func(c *Config) { c.RequestTimeout = -1 }, "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.mod(&cfg)
			_, err := New(cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), testClientSecret) {
				t.Fatalf("error leaks the secret: %v", err)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	t.Parallel()
	c, err := New(Config{AccessToken: "t", APIURL: "https://provisioning.commercelayer.io/api/"})
	if err != nil {
		t.Fatal(err)
	}
	if c.apiBase != "https://provisioning.commercelayer.io" {
		t.Errorf("apiBase = %q", c.apiBase)
	}
	if c.maxRetries != 6 || c.waitMin != defaultRetryWaitMin || c.waitMax != defaultRetryWaitMax ||
		c.budget != defaultRetryBudget || c.reqTimeout != defaultRequestTimeout || c.limiter == nil || c.http == nil {
		t.Errorf("defaults not applied: %+v", c)
	}
	if c.userAgent != DefaultUserAgent {
		t.Errorf("userAgent = %q, want %q", c.userAgent, DefaultUserAgent)
	}
	c, _ = New(Config{AccessToken: "t", MaxRetries: -1, DisableRateLimit: true})
	if c.maxRetries != 0 || c.limiter != nil {
		t.Errorf("MaxRetries -1 / DisableRateLimit not applied: %+v", c)
	}
}

// recorded is what the server saw of one request.
type recorded struct {
	method, path, rawQuery, contentType string
	body                                []byte
}

func recorder(t *testing.T, reply http.HandlerFunc) (*fakeAPI, func() []recorded) {
	var mu sync.Mutex
	var got []recorded
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, recorded{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Content-Type"), b})
		mu.Unlock()
		reply(w, r)
	})
	return f, func() []recorded { mu.Lock(); defer mu.Unlock(); return append([]recorded(nil), got...) }
}

func TestCRUD(t *testing.T) {
	t.Parallel()
	f, got := recorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/roles":
			writeDoc(w, http.StatusCreated, json.RawMessage(`{"data":{"id":"r9","type":"roles","attributes":{"name":"ops","n":12345678901234567890},
				"relationships":{"organization":{"data":{"type":"organizations","id":"o1"}}}},
				"included":[{"id":"o1","type":"organizations","attributes":{"name":"Org"}}]}`))
		case r.Method == http.MethodPost: // resend
			w.WriteHeader(http.StatusAccepted)
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case r.URL.Path == "/api/organizations/o1/transfer_ownership":
			w.WriteHeader(http.StatusAccepted)
		case r.URL.Path == "/api/user":
			writeResource(w, http.StatusOK, jsonapi.Resource{Type: "users", ID: "u1", Attributes: map[string]any{"first_name": "Ada"}})
		default:
			writeResource(w, http.StatusOK, jsonapi.Resource{Type: "roles", ID: "r9", Attributes: map[string]any{"name": "ops"}})
		}
	})
	c := f.client()
	ctx := t.Context()

	in := jsonapi.Resource{Type: "roles", Attributes: map[string]any{"name": "ops"}}
	in.SetRel("organization", jsonapi.ToOne("organizations", "o1"))
	r, err := c.Create(ctx, &in, "organization")
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "r9" || r.Rel("organization").ID() != "o1" {
		t.Fatalf("created = %+v", r)
	}
	if n, ok := r.Attributes["n"].(json.Number); !ok || n.String() != "12345678901234567890" {
		t.Fatalf("number not kept as json.Number: %#v", r.Attributes["n"])
	}
	if _, err := c.Get(ctx, "roles", "r9", "organization", "permissions"); err != nil {
		t.Fatal(err)
	}
	up := jsonapi.Resource{Type: "roles", ID: "r9", Attributes: map[string]any{"reference": nil}}
	if _, err := c.Update(ctx, &up); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, "memberships", "m/1"); err != nil {
		t.Fatal(err)
	}
	if u, err := c.GetPath(ctx, "user"); err != nil || u.String("first_name") != "Ada" {
		t.Fatalf("GetPath = %+v, %v", u, err)
	}
	if _, err := c.UpdatePath(ctx, "user", &jsonapi.Resource{Type: "users", Attributes: map[string]any{"first_name": "Ada"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Action(ctx, http.MethodPost, "memberships/m1/resend", nil); err != nil {
		t.Fatal(err)
	}
	transfer := jsonapi.Resource{Type: "organizations", ID: "o1", Attributes: map[string]any{"new_owner_email": "a@b.c"}}
	if err := c.Action(ctx, "patch", "organizations/o1/transfer_ownership", &transfer); err != nil {
		t.Fatal(err)
	}
	doc, err := c.GetDocument(ctx, "roles/r9", "organization")
	if err != nil || doc == nil {
		t.Fatalf("GetDocument: %v", err)
	}

	const ct = "application/vnd.api+json"
	want := []recorded{
		{"POST", "/api/roles", "include=organization", ct, []byte(`{"data":{"type":"roles","attributes":{"name":"ops"},"relationships":{"organization":{"data":{"id":"o1","type":"organizations"}}}}}`)},
		{"GET", "/api/roles/r9", "include=organization,permissions", "", nil},
		{"PATCH", "/api/roles/r9", "", ct, []byte(`{"data":{"type":"roles","id":"r9","attributes":{"reference":null}}}`)},
		{"DELETE", "/api/memberships/m%2F1", "", "", nil},
		{"GET", "/api/user", "", "", nil},
		{"PATCH", "/api/user", "", ct, []byte(`{"data":{"type":"users","attributes":{"first_name":"Ada"}}}`)},
		{"POST", "/api/memberships/m1/resend", "", "", nil},
		{"PATCH", "/api/organizations/o1/transfer_ownership", "", ct, []byte(`{"data":{"type":"organizations","id":"o1","attributes":{"new_owner_email":"a@b.c"}}}`)},
		{"GET", "/api/roles/r9", "include=organization", "", nil},
	}
	rec := got()
	if len(rec) != len(want) {
		t.Fatalf("got %d requests, want %d", len(rec), len(want))
	}
	for i, w := range want {
		g := rec[i]
		if g.method != w.method || g.path != w.path || g.rawQuery != w.rawQuery || g.contentType != w.contentType {
			t.Errorf("request %d = %s %s?%s (%s), want %s %s?%s (%s)", i, g.method, g.path, g.rawQuery, g.contentType, w.method, w.path, w.rawQuery, w.contentType)
		}
		if w.body == nil && len(g.body) != 0 {
			t.Errorf("request %d has body %s", i, g.body)
		}
		if w.body != nil && !jsonEqual(t, g.body, w.body) {
			t.Errorf("request %d body = %s, want %s", i, g.body, w.body)
		}
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		return false
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}

func TestInvalidArguments(t *testing.T) {
	t.Parallel()
	c, _ := New(Config{AccessToken: "t", APIURL: "http://127.0.0.1:1"})
	ctx := t.Context()
	if _, err := c.Get(ctx, "roles", ""); err == nil {
		t.Error("Get with an empty id must fail (it would list)")
	}
	if _, err := c.Update(ctx, &jsonapi.Resource{Type: "roles"}); err == nil {
		t.Error("Update without id must fail")
	}
	if _, err := c.Create(ctx, nil); err == nil {
		t.Error("Create(nil) must fail")
	}
	if _, err := c.List(ctx, "organizations//roles", Query{}); err == nil {
		t.Error("empty segment must fail")
	}
	if _, err := c.GetPath(ctx, "../oauth/token"); err == nil {
		t.Error("relative segment must fail")
	}
}

func TestErrorParsing(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/roles/x":
			writeErrors(w, http.StatusUnprocessableEntity,
				jsonapi.Error{Title: "can't be blank", Detail: "name - can't be blank", Code: "VALIDATION_ERROR", Status: "422",
					Source: &jsonapi.ErrorSource{Pointer: "/data/attributes/name"}, Meta: map[string]any{"error": "blank"}},
				jsonapi.Error{Title: "is invalid", Code: "VALIDATION_ERROR", Status: "422",
					Source: &jsonapi.ErrorSource{Pointer: "/data/relationships/role"}},
			)
		case "/api/roles/missing":
			writeErrors(w, http.StatusNotFound, jsonapi.Error{Title: "Record not found", Detail: "The requested resource was not found", Code: "RECORD_NOT_FOUND", Status: "404"})
		case "/api/roles/html":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, "<html><body>denied for client_secret="+testClientSecret+"</body></html>")
		case "/api/roles/badjson":
			w.Header().Set("Content-Type", jsonapi.MediaType)
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"errors": [ {"title": "`+testClientSecret)
		}
	})
	c := f.client()
	ctx := t.Context()

	_, err := c.Update(ctx, &jsonapi.Resource{Type: "roles", ID: "x", Attributes: map[string]any{"name": ""}})
	ae, ok := AsAPIError(err)
	if !ok {
		t.Fatalf("err = %v, want APIError", err)
	}
	if ae.StatusCode != http.StatusUnprocessableEntity || ae.Method != http.MethodPatch || ae.Path != "/api/roles/x" || len(ae.Errors) != 2 {
		t.Fatalf("APIError = %+v", ae)
	}
	if e := ae.Errors[0]; e.Code != "VALIDATION_ERROR" || e.Source.Pointer != "/data/attributes/name" || e.Source.Attribute() != "name" || e.Detail != "name - can't be blank" {
		t.Fatalf("first error = %+v", e)
	}
	const want = "PATCH /api/roles/x: 422 Unprocessable Entity: name - can't be blank (VALIDATION_ERROR); role - is invalid (VALIDATION_ERROR)"
	if err.Error() != want {
		t.Fatalf("Error() =\n%s\nwant\n%s", err, want)
	}
	if !ae.HasCode("VALIDATION_ERROR") || IsNotFound(err) {
		t.Fatal("HasCode/IsNotFound wrong")
	}

	_, err = c.Get(ctx, "roles", "missing")
	if !IsNotFound(err) || !IsNotFound(fmt.Errorf("wrapped: %w", err)) {
		t.Fatalf("IsNotFound(%v) = false", err)
	}
	if err.Error() != "GET /api/roles/missing: 404 Not Found: The requested resource was not found (RECORD_NOT_FOUND)" {
		t.Fatalf("404 message = %q", err)
	}

	for _, id := range []string{"html", "badjson"} {
		_, err = c.Get(ctx, "roles", id)
		ae, ok = AsAPIError(err)
		if !ok || len(ae.Errors) != 1 || ae.Errors[0].Title == "" {
			t.Fatalf("%s: err = %#v", id, err)
		}
		if strings.Contains(err.Error(), testClientSecret) || strings.Contains(err.Error(), "denied") {
			t.Fatalf("%s: error carries the body: %v", id, err)
		}
	}
	if !strings.HasPrefix(err.Error(), "GET /api/roles/badjson: 400 Bad Request: Bad Request") {
		t.Fatalf("generic message = %q", err)
	}
}

func TestListPagination(t *testing.T) {
	t.Parallel()
	const total = 60 // 25 + 25 + 10
	f, got := recorder(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("page[number]"))
		size, _ := strconv.Atoi(q.Get("page[size]"))
		var items []jsonapi.Resource
		for i := (page - 1) * size; i < min(page*size, total); i++ {
			items = append(items, jsonapi.Resource{Type: "roles", ID: fmt.Sprintf("r%02d", i)})
		}
		doc, _ := jsonapi.NewMany(items)
		pages := (total + size - 1) / size
		doc.Meta = map[string]any{"record_count": total, "page_count": pages}
		doc.Links = map[string]string{"first": "x"}
		if page < pages {
			doc.Links["next"] = "x"
		}
		writeDoc(w, http.StatusOK, doc)
	})
	c := f.client()
	q := Query{Filters: map[string]string{"name_eq": "x", "kind_in": "a,b"}, Sort: []string{"-name"}, Include: []string{"organization", "role"}}
	rs, err := c.List(t.Context(), "organizations/o1/roles", q)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != total {
		t.Fatalf("got %d resources, want %d", len(rs), total)
	}
	for i, r := range rs {
		if r.ID != fmt.Sprintf("r%02d", i) {
			t.Fatalf("order broken at %d: %s", i, r.ID)
		}
	}
	rec := got()
	if len(rec) != 3 {
		t.Fatalf("got %d page requests, want 3", len(rec))
	}
	for i, r := range rec {
		want := fmt.Sprintf("filter[q][kind_in]=a,b&filter[q][name_eq]=x&include=organization,role&page[number]=%d&page[size]=25&sort=-name", i+1)
		if r.rawQuery != want || r.path != "/api/organizations/o1/roles" {
			t.Errorf("page %d: %s?%s, want query %s", i+1, r.path, r.rawQuery, want)
		}
	}
}

// rolesPage is a page of n distinct roles (ids "p<page>-<i>").
func rolesPage(page, n int) *jsonapi.Document {
	rs := make([]jsonapi.Resource, n)
	for i := range rs {
		rs[i] = jsonapi.Resource{Type: "roles", ID: fmt.Sprintf("p%d-%d", page, i)}
	}
	doc, _ := jsonapi.NewMany(rs)
	return doc
}

func TestListTermination(t *testing.T) {
	t.Parallel()
	tests := map[string]func(page int) *jsonapi.Document{
		// no meta: links decide; the last page has links but no "next"
		// (a non-empty map: an empty one is not sent at all)
		"links only": func(page int) *jsonapi.Document {
			doc := rolesPage(page, 25)
			doc.Links = map[string]string{"first": "f", "last": "l"}
			if page < 2 {
				doc.Links["next"] = "n"
			} else {
				doc.Links["prev"] = "p"
			}
			return doc
		},
		// neither: a short page is the last
		"short page": func(page int) *jsonapi.Document {
			n := 25
			if page == 2 {
				n = 3
			}
			return rolesPage(page, n)
		},
		// a lying page_count must not loop on empty pages
		"empty page": func(page int) *jsonapi.Document {
			n := 25
			if page == 2 {
				n = 0
			}
			doc := rolesPage(page, n)
			doc.Meta = map[string]any{"page_count": 99}
			return doc
		},
	}
	for name, pageDoc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				page, _ := strconv.Atoi(r.URL.Query().Get("page[number]"))
				if page > 2 { // fail at once rather than serve pages forever
					t.Errorf("page %d requested; the list has 2", page)
					writeErrors(w, http.StatusBadRequest, jsonapi.Error{Title: "no such page"})
					return
				}
				writeDoc(w, http.StatusOK, pageDoc(page))
			})
			rs, err := f.client().List(t.Context(), "roles", Query{})
			if err != nil {
				t.Fatal(err)
			}
			if n := f.apiRequests.Load(); n != 2 {
				t.Fatalf("requests = %d, want 2", n)
			}
			if len(rs) == 0 || rs[0].ID != "p1-0" {
				t.Fatalf("got %d resources", len(rs))
			}
		})
	}
	// A server that ignores page[number] and answers full pages without
	// meta or links would otherwise be read 100000 times.
	t.Run("page number ignored", func(t *testing.T) {
		t.Parallel()
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			writeDoc(w, http.StatusOK, rolesPage(1, 25))
		})
		_, err := f.client().List(t.Context(), "roles", Query{})
		if err == nil || !strings.Contains(err.Error(), "ignored page[number]") {
			t.Fatalf("err = %v", err)
		}
		if n := f.apiRequests.Load(); n != 2 {
			t.Fatalf("requests = %d, want 2", n)
		}
	})
}

func TestEncodeQuery(t *testing.T) {
	t.Parallel()
	got := encodeQuery(map[string]string{"name_or_code_start": "a&b=c d"}, []string{"name", "-created_at"}, nil)
	want := "filter[q][name_or_code_start]=a%26b%3Dc+d&sort=name,-created_at"
	if got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if encodeQuery(nil, nil, nil) != "" {
		t.Fatal("empty query expected")
	}
}
