package provisioning

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

func TestTokenFetchedOnceAndReused(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
		if got := r.Header.Get("Accept"); got != "application/vnd.api+json" {
			t.Errorf("Accept = %q", got)
		}
		if got := r.Header.Get("User-Agent"); got != "clprovisioning-test/1.0" {
			t.Errorf("User-Agent = %q", got)
		}
		if got := r.Header.Get("Content-Type"); got != "" {
			t.Errorf("GET has Content-Type %q", got)
		}
		okRole(w, r)
	})
	var tokenCT, tokenUA string
	f.tokenHandler = func(w http.ResponseWriter, r *http.Request) {
		tokenCT, tokenUA = r.Header.Get("Content-Type"), r.Header.Get("User-Agent")
		if _, _, ok := r.BasicAuth(); ok {
			t.Error("token request uses Basic auth; expected the credentials in the body")
		}
		f.issueToken(w, r)
	}
	c := f.client()
	for range 5 {
		if _, err := c.Get(t.Context(), "roles", "r1"); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.tokenRequests.Load(); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
	if !strings.HasPrefix(tokenCT, "application/x-www-form-urlencoded") {
		t.Errorf("token request Content-Type = %q", tokenCT)
	}
	if tokenUA != "clprovisioning-test/1.0" {
		t.Errorf("token request User-Agent = %q", tokenUA)
	}
	want := "Bearer " + f.issuedTokens()[0]
	for _, s := range seen {
		if s != want {
			t.Fatalf("Authorization = %q, want %q", s, want)
		}
	}
}

func TestTokenSharedByConcurrentGoroutines(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, okRole)
	f.tokenWait = 50 * time.Millisecond // widen the race window
	c := f.client()
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	start := make(chan struct{})
	for range 20 {
		wg.Go(func() {
			<-start
			_, err := c.Get(t.Context(), "roles", "r1")
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.tokenRequests.Load(); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
	if n := f.apiRequests.Load(); n != 20 {
		t.Fatalf("api requests = %d, want 20", n)
	}
}

func TestExpiredTokenIsReplaced(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, okRole)
	f.expiresIn = 5 // inside oauth2's 10 s early-expiry margin: stale at once
	c := f.client()
	for range 2 {
		if _, err := c.Get(t.Context(), "roles", "r1"); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.tokenRequests.Load(); n != 2 {
		t.Fatalf("token requests = %d, want 2", n)
	}
}

func TestRefreshOn401ThenSuccess(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, okRole)
	c := f.client()
	if _, err := c.Get(t.Context(), "roles", "r1"); err != nil {
		t.Fatal(err)
	}
	f.revokeAll() // the token dies server-side
	if _, err := c.Get(t.Context(), "roles", "r1"); err != nil {
		t.Fatalf("after revocation: %v", err)
	}
	if n := f.tokenRequests.Load(); n != 2 {
		t.Fatalf("token requests = %d, want 2", n)
	}
	if n := f.apiRequests.Load(); n != 3 { // ok, 401, ok
		t.Fatalf("api requests = %d, want 3", n)
	}
}

func TestRefreshOn401SharedByGoroutines(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, okRole)
	c := f.client()
	if _, err := c.Get(t.Context(), "roles", "r1"); err != nil {
		t.Fatal(err)
	}
	f.revokeAll()
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if _, err := c.Get(t.Context(), "roles", "r1"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := f.tokenRequests.Load(); n != 2 {
		t.Fatalf("token requests = %d, want 2 (one refresh shared by all)", n)
	}
}

// A 401 to a token obtained right after a 401 is a permission refusal: the
// token is good, the credentials' user may not do this. It is said so, with
// the API's own words, and never repeated.
func TestSecond401IsNotAllowed(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, nil)
	f.skipAuth = true
	f.api = func(w http.ResponseWriter, r *http.Request) {
		writeErrors(w, http.StatusUnauthorized, jsonapi401)
	}
	c := f.client()
	_, err := c.Create(t.Context(), &jsonapi.Resource{Type: "roles", Attributes: map[string]any{"name": "x"}})
	if !IsNotAllowed(err) {
		t.Fatalf("err = %v, want a NotAllowedError", err)
	}
	const want = "not allowed: the credentials' user lacks the permission for POST /api/roles " +
		"(the API refused a freshly obtained access token: 401 Unauthorized: Invalid token (INVALID_TOKEN))"
	if err.Error() != want {
		t.Fatalf("message =\n%s\nwant\n%s", err, want)
	}
	// The answer is inside for whoever wants it, but AsAPIError does not
	// report it: a caller showing "the API's words" shows this message.
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized {
		t.Fatalf("errors.As: %v", err)
	}
	if _, ok := AsAPIError(err); ok {
		t.Fatal("AsAPIError reports the 401 of a NotAllowedError")
	}
	if n := f.apiRequests.Load(); n != 2 {
		t.Fatalf("api requests = %d, want 2", n)
	}
	if n := f.tokenRequests.Load(); n != 2 {
		t.Fatalf("token requests = %d, want 2", n)
	}
}

// A 401 that comes later in a call, to a token that was not just obtained
// (it answered something else in between), refreshes the token again: on
// each occurrence, up to three times a call, and never in a loop.
func TestRefreshOnEach401UpToABound(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		script         []int // the API's answers in turn; then 200
		ok             bool
		tokens, checks int64
	}{
		"recovers":  {script: []int{401, 503, 401, 503}, ok: true, tokens: 3, checks: 5},
		"gives up":  {script: []int{401, 503, 401, 503, 401, 503, 401, 503}, tokens: 4, checks: 7},
		"no script": {ok: true, tokens: 1, checks: 1},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int64
			f := newFakeAPI(t, nil)
			f.skipAuth = true
			f.api = func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				if i >= len(tt.script) {
					okRole(w, r)
					return
				}
				writeErrors(w, tt.script[i], jsonapi.Error{Title: http.StatusText(tt.script[i])})
			}
			_, err := f.client().Get(t.Context(), "roles", "r1")
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v", err)
			}
			if !tt.ok && (IsNotAllowed(err) || !strings.Contains(err.Error(), "gave up: the API rejected 4 access tokens during this call")) {
				t.Fatalf("err = %v", err)
			}
			if got := f.tokenRequests.Load(); got != tt.tokens {
				t.Errorf("token requests = %d, want %d", got, tt.tokens)
			}
			if got := n.Load(); got != tt.checks {
				t.Errorf("api requests = %d, want %d", got, tt.checks)
			}
		})
	}
}

func TestStaticToken401IsErrorWithoutTokenRequest(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, okRole) // "static-token" is not a valid token there
	c := f.client(func(c *Config) {
		c.ClientID, c.ClientSecret, c.AccessToken = "", "", "static-token"
	})
	_, err := c.Get(t.Context(), "roles", "r1")
	ae, ok := AsAPIError(err)
	if !ok || ae.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err = %v, want a 401 APIError", err)
	}
	if n := f.tokenRequests.Load(); n != 0 {
		t.Fatalf("token requests = %d, want 0", n)
	}
	if n := f.apiRequests.Load(); n != 1 {
		t.Fatalf("api requests = %d, want 1", n)
	}
	if strings.Contains(err.Error(), "static-token") {
		t.Fatalf("error leaks the token: %v", err)
	}
}

func TestStaticTokenUsedThenRefreshedWithCredentials(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, okRole)
	f.valid["given-token"] = true
	c := f.client(func(c *Config) { c.AccessToken = "given-token" })
	if _, err := c.Get(t.Context(), "roles", "r1"); err != nil {
		t.Fatal(err)
	}
	if n := f.tokenRequests.Load(); n != 0 {
		t.Fatalf("token requests = %d, want 0 while the given token works", n)
	}
	f.revokeAll()
	if _, err := c.Get(t.Context(), "roles", "r1"); err != nil {
		t.Fatal(err)
	}
	if n := f.tokenRequests.Load(); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	t.Parallel()
	t.Run("bad credentials are not retried and not echoed", func(t *testing.T) {
		t.Parallel()
		f := newFakeAPI(t, okRole)
		c := f.client(func(c *Config) { c.ClientSecret = "wrong-" + testClientSecret })
		_, err := c.Get(t.Context(), "roles", "r1")
		var te *TokenError
		if !errors.As(err, &te) || te.StatusCode != http.StatusUnauthorized || te.Code != "invalid_client" {
			t.Fatalf("err = %#v", err)
		}
		if strings.Contains(err.Error(), testClientSecret) {
			t.Fatalf("error leaks the secret: %v", err)
		}
		if n := f.tokenRequests.Load(); n != 1 {
			t.Fatalf("token requests = %d, want 1", n)
		}
		if n := f.apiRequests.Load(); n != 0 {
			t.Fatalf("api requests = %d, want 0", n)
		}
	})
	t.Run("503 from the token endpoint is retried, even before a POST", func(t *testing.T) {
		t.Parallel()
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			writeResource(w, http.StatusCreated, jsonapiRole)
		})
		f.tokenHandler = func(w http.ResponseWriter, r *http.Request) {
			if f.tokenRequests.Load() < 3 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			f.issueToken(w, r)
		}
		c := f.client()
		if _, err := c.Create(t.Context(), &jsonapiRole); err != nil {
			t.Fatal(err)
		}
		if n := f.tokenRequests.Load(); n != 3 {
			t.Fatalf("token requests = %d, want 3", n)
		}
		if n := f.apiRequests.Load(); n != 1 {
			t.Fatalf("api requests = %d, want 1", n)
		}
	})
}

func TestTokenWaitHonoursContext(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, okRole)
	f.tokenWait = 2 * time.Second
	c := f.client()
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.Get(ctx, "roles", "r1"); err == nil {
		t.Fatal("want an error")
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("took %s; the context deadline was ignored", d)
	}
}
