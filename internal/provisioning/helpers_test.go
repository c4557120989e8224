package provisioning

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

const (
	testClientID     = "test-client-id"
	testClientSecret = "cs-Sup3rS3cr3t-do-not-log"
)

// fakeAPI is an httptest server with an OAuth token endpoint and an API
// handler supplied by each test. It counts requests and checks tokens.
type fakeAPI struct {
	t   *testing.T
	srv *httptest.Server

	tokenRequests atomic.Int64
	apiRequests   atomic.Int64

	mu        sync.Mutex
	valid     map[string]bool // tokens the API accepts
	issued    []string
	expiresIn int // seconds; default 3600
	tokenWait time.Duration
	// tokenHandler, when set, replaces the token endpoint.
	tokenHandler http.HandlerFunc
	// api serves /api/...; it runs after the bearer check.
	api http.HandlerFunc
	// skipAuth: the api handler does its own token checking.
	skipAuth bool
}

func newFakeAPI(t *testing.T, api http.HandlerFunc) *fakeAPI {
	t.Helper()
	f := &fakeAPI{t: t, valid: map[string]bool{}, expiresIn: 3600, api: api}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/oauth/token" {
		f.tokenRequests.Add(1)
		if f.tokenHandler != nil {
			f.tokenHandler(w, r)
			return
		}
		f.issueToken(w, r)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		http.NotFound(w, r)
		return
	}
	f.apiRequests.Add(1)
	if !f.skipAuth {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		good := ok && f.valid[tok]
		f.mu.Unlock()
		if !good {
			writeErrors(w, http.StatusUnauthorized, jsonapi.Error{Title: "Invalid token", Code: "INVALID_TOKEN", Status: "401"})
			return
		}
	}
	f.api(w, r)
}

func (f *fakeAPI) issueToken(w http.ResponseWriter, r *http.Request) {
	err := r.ParseForm()
	if f.tokenWait > 0 {
		// The body is read, so r.Context ends when the client hangs up.
		select {
		case <-time.After(f.tokenWait):
		case <-r.Context().Done():
			return
		}
	}
	if err != nil || r.Method != http.MethodPost ||
		r.PostForm.Get("grant_type") != "client_credentials" ||
		r.PostForm.Get("client_id") != testClientID || r.PostForm.Get("client_secret") != testClientSecret {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		// Echo the secret to prove the client never relays the body.
		fmt.Fprintf(w, `{"error":"invalid_client","error_description":"Client authentication failed","echo":%q}`, r.PostForm.Get("client_secret"))
		return
	}
	f.mu.Lock()
	tok := fmt.Sprintf("tok-%d-%d", len(f.issued)+1, time.Now().UnixNano())
	f.issued = append(f.issued, tok)
	f.valid[tok] = true
	exp := f.expiresIn
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok, "token_type": "bearer", "expires_in": exp, "scope": "provisioning-api",
	})
}

// revokeAll makes the API reject every token issued so far.
func (f *fakeAPI) revokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.valid = map[string]bool{}
}

func (f *fakeAPI) issuedTokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.issued...)
}

// config is a client config against the fake, with fast retries.
func (f *fakeAPI) config() Config {
	return Config{
		APIURL:       f.srv.URL,
		AuthURL:      f.srv.URL,
		ClientID:     testClientID,
		ClientSecret: testClientSecret,
		UserAgent:    "clprovisioning-test/1.0",
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
	}
}

func (f *fakeAPI) client(mod ...func(*Config)) *Client {
	f.t.Helper()
	cfg := f.config()
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	return c
}

func writeDoc(w http.ResponseWriter, status int, doc any) {
	w.Header().Set("Content-Type", jsonapi.MediaType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(doc)
}

func writeErrors(w http.ResponseWriter, status int, errs ...jsonapi.Error) {
	writeDoc(w, status, jsonapi.Document{Errors: errs})
}

func writeResource(w http.ResponseWriter, status int, r jsonapi.Resource) {
	doc, err := jsonapi.NewOne(&r)
	if err != nil {
		panic(err)
	}
	writeDoc(w, status, doc)
}

func okRole(w http.ResponseWriter, _ *http.Request) {
	writeResource(w, http.StatusOK, jsonapi.Resource{Type: "roles", ID: "r1", Attributes: map[string]any{"name": "admin"}})
}

// dropConnection closes the connection without an answer.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// windowLimit answers 429 (Retry-After: 1) to requests beyond n in any
// sliding window of per, as the API's rate limits do, and counts them;
// requests within the limit go to next.
func windowLimit(n int, per time.Duration, tooMany *atomic.Int64, next http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	var hits []time.Time
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		now := time.Now()
		for len(hits) > 0 && now.Sub(hits[0]) >= per {
			hits = hits[1:]
		}
		full := len(hits) >= n
		if !full {
			hits = append(hits, now)
		}
		mu.Unlock()
		if full {
			tooMany.Add(1)
			w.Header().Set("Retry-After", "1")
			writeErrors(w, http.StatusTooManyRequests, jsonapi.Error{Title: "Too many requests", Status: "429"})
			return
		}
		next(w, r)
	}
}
