package simulator_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

func TestFaultStatus(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name       string
		fault      simulator.Fault
		status     int
		retryAfter string
	}{
		{"429 with Retry-After", simulator.Fault{Status: 429, RetryAfter: 1500 * time.Millisecond}, 429, "2"},
		{"500", simulator.Fault{Status: 500}, 500, ""},
		{"502", simulator.Fault{Status: 502, RetryAfter: time.Second}, 502, ""},
		{"503 with Retry-After", simulator.Fault{Status: 503, RetryAfter: 3 * time.Second}, 503, "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.fault
			f.Kind, f.PathPrefix, f.Count = simulator.FaultStatus, "/api/user", 1
			h.sim.InjectFault(f)
			res := h.do(http.MethodGet, "/api/user", nil)
			res.must(t, tt.status)
			if e := res.firstError(t); e.Status != strconv.Itoa(tt.status) {
				t.Errorf("error %+v", e)
			}
			if got := res.header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tt.retryAfter)
			}
			h.do(http.MethodGet, "/api/user", nil).must(t, 200) // Count 1: used up
		})
	}
}

func TestFaultMatching(t *testing.T) {
	h := newHarness(t)
	h.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Status: 500, Method: "POST", PathPrefix: "/api/organizations", Count: 2})
	h.do(http.MethodGet, "/api/organizations", nil).must(t, 200) // other method
	h.do(http.MethodGet, "/api/user", nil).must(t, 200)          // other path
	post := func() *result {
		return h.do(http.MethodPost, "/api/organizations", create("organizations", attrs{"name": "F"}, nil))
	}
	post().must(t, 500)
	post().must(t, 500)
	post().must(t, 201)
	if n := len(h.do(http.MethodGet, "/api/organizations", nil).many(t)); n != 1 {
		t.Errorf("%d organizations: the faulted POSTs must not be applied", n)
	}

	h.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Status: 503})
	h.do(http.MethodGet, "/api/user", nil).must(t, 503)
	h.do(http.MethodGet, "/api/user", nil).must(t, 503) // unlimited
	h.sim.ClearFaults()
	h.do(http.MethodGet, "/api/user", nil).must(t, 200)

	// A tiny Rate practically never fires.
	h.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Status: 500, Rate: 1e-12})
	for range 20 {
		h.do(http.MethodGet, "/api/user", nil).must(t, 200)
	}
	h.sim.ClearFaults()

	// The token endpoint answers in the auth server's terms.
	h.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Status: 429, PathPrefix: "/oauth/token", RetryAfter: time.Second, Count: 1})
	res := h.raw(http.MethodPost, "/oauth/token", "application/x-www-form-urlencoded", "grant_type=client_credentials", nil)
	var body struct{ Errors []struct{ Title string } }
	if err := json.Unmarshal(res.must(t, 429).body, &body); err != nil || len(body.Errors) != 1 || body.Errors[0].Title == "" || res.header.Get("Retry-After") != "1" {
		t.Errorf("token fault: %s (%v), Retry-After %q", res.body, err, res.header.Get("Retry-After"))
	}

	defer func() {
		if recover() == nil {
			t.Error("a fault without a kind was accepted")
		}
	}()
	h.sim.InjectFault(simulator.Fault{Status: 500})
}

func TestFaultAfterHandling(t *testing.T) {
	h := newHarness(t)
	h.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Status: 504, Method: "POST", PathPrefix: "/api/organizations", Count: 1, AfterHandling: true})
	h.do(http.MethodPost, "/api/organizations", create("organizations", attrs{"name": "Acted on"}, nil)).must(t, 504)
	if n := len(h.do(http.MethodGet, "/api/organizations", nil).many(t)); n != 1 {
		t.Errorf("%d organizations, want the one the failed POST created", n)
	}
}

func TestFaultLatency(t *testing.T) {
	h := newHarness(t)
	const delay = 60 * time.Millisecond
	for _, after := range []bool{false, true} {
		h.sim.InjectFault(simulator.Fault{Kind: simulator.FaultLatency, PathPrefix: "/api/user", Latency: delay, Count: 1, AfterHandling: after})
		start := time.Now()
		h.do(http.MethodGet, "/api/user", nil).must(t, 200)
		if d := time.Since(start); d < delay {
			t.Errorf("AfterHandling %v: answered in %s, want at least %s", after, d, delay)
		}
	}
	start := time.Now()
	h.do(http.MethodGet, "/api/user", nil).must(t, 200)
	if d := time.Since(start); d >= delay {
		t.Errorf("no fault left, yet answered in %s", d)
	}
}

func TestFaultDrop(t *testing.T) {
	h := newHarness(t)
	// No keep-alive: net/http would silently retry an idempotent request
	// whose reused connection closed.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	h.sim.InjectFault(simulator.Fault{Kind: simulator.FaultDrop, PathPrefix: "/api/user", Count: 1})
	if res, err := h.send(client, http.MethodGet, "/api/user", "", "", h.auth()); err == nil {
		t.Errorf("dropped request answered %d", res.status)
	}
	reqs := h.sim.Requests()
	if last := reqs[len(reqs)-1]; last.Path != "/api/user" || last.Status != 0 {
		t.Errorf("logged %+v, want status 0", last)
	}
	h.do(http.MethodGet, "/api/user", nil).must(t, 200)

	// Dropped after the POST was applied: the client sees no answer, the
	// organization exists.
	h.sim.InjectFault(simulator.Fault{Kind: simulator.FaultDrop, Method: "POST", PathPrefix: "/api/organizations", AfterHandling: true, Count: 1})
	body, _ := json.Marshal(create("organizations", attrs{"name": "Dropped"}, nil))
	if _, err := h.send(client, http.MethodPost, "/api/organizations", "application/vnd.api+json", string(body), h.auth()); err == nil {
		t.Error("dropped POST answered")
	}
	if n := len(h.do(http.MethodGet, "/api/organizations", nil).many(t)); n != 1 {
		t.Errorf("%d organizations after the dropped POST, want 1", n)
	}
}

func TestRateLimits(t *testing.T) {
	h := newHarness(t)
	h.sim.SetLimits(3, 10*time.Second)
	h.sim.SetRateLimits(true)
	// Every answer tells the limit, its interval and what is left of it.
	for i := range 3 {
		res := h.do(http.MethodGet, "/api/user", nil).must(t, 200)
		if l, iv, rem := res.header.Get("X-Ratelimit-Limit"), res.header.Get("X-Ratelimit-Interval"), res.header.Get("X-Ratelimit-Remaining"); l != "3" || iv != "10" || rem != strconv.Itoa(2-i) {
			t.Errorf("request %d: X-Ratelimit-Limit %q, -Interval %q, -Remaining %q", i+1, l, iv, rem)
		}
	}
	res := h.do(http.MethodGet, "/api/user", nil)
	res.wantError(t, 429, "TOO_MANY_REQUESTS", "")
	if got := res.header.Get("Retry-After"); got != "10" {
		t.Errorf("Retry-After %q, want 10", got)
	}
	if got := res.header.Get("X-Ratelimit-Remaining"); got != "0" {
		t.Errorf("429 with X-Ratelimit-Remaining %q", got)
	}
	// Writes have limits of their own.
	h.do(http.MethodPost, "/api/organizations", create("organizations", attrs{"name": "W"}, nil)).must(t, 201)
	h.clock.Advance(4 * time.Second)
	h.do(http.MethodGet, "/api/user", nil).must(t, 429) // rejected requests do not count
	h.clock.Advance(6 * time.Second)
	h.do(http.MethodGet, "/api/user", nil).must(t, 200)

	h.sim.SetRateLimits(false)
	for range 5 {
		h.do(http.MethodGet, "/api/user", nil).must(t, 200)
	}
}

func TestPublishedRateLimits(t *testing.T) {
	h := newHarness(t, func(o *simulator.Options) { o.RateLimits = true })
	// The harness took one token: 29 more this minute, then 429.
	for range 29 {
		h.fetchToken()
	}
	res := h.raw(http.MethodPost, "/oauth/token", "application/x-www-form-urlencoded",
		"grant_type=client_credentials&client_id="+clientID+"&client_secret="+clientSecret, nil).must(t, 429)
	if res.header.Get("Retry-After") != "60" {
		t.Errorf("token Retry-After %q", res.header.Get("Retry-After"))
	}
	// 250 GETs per 10 s on one endpoint: the tightest window is told.
	for i := range 250 {
		res := h.do(http.MethodGet, "/api/user", nil).must(t, 200)
		if i == 0 && (res.header.Get("X-Ratelimit-Limit") != "250" || res.header.Get("X-Ratelimit-Interval") != "10" || res.header.Get("X-Ratelimit-Remaining") != "249") {
			t.Errorf("first GET: %v", res.header)
		}
	}
	h.do(http.MethodGet, "/api/user", nil).must(t, 429)
	h.do(http.MethodGet, "/api/organizations", nil).must(t, 200) // another endpoint
}

// rateHeaders are the X-Ratelimit-* headers of an answer.
func rateHeaders(h http.Header) [3]string {
	return [3]string{h.Get("X-Ratelimit-Limit"), h.Get("X-Ratelimit-Interval"), h.Get("X-Ratelimit-Remaining")}
}

// The API answers with X-Ratelimit-* headers whether limits are enforced or
// not: the provisioning SDK's live test reads x-ratelimit-limit from GET
// /api/user with nothing turned on.
func TestRateLimitHeadersWithoutEnforcement(t *testing.T) {
	h := newHarness(t) // RateLimits off
	for i, want := range [][3]string{{"250", "10", "249"}, {"250", "10", "248"}} {
		if got := rateHeaders(h.do(http.MethodGet, "/api/user", nil).must(t, 200).header); got != want {
			t.Errorf("GET %d: limit, interval, remaining %v, want %v", i+1, got, want)
		}
	}
	res := h.do(http.MethodPost, "/api/organizations", create("organizations", attrs{"name": "H"}, nil)).must(t, 201)
	if got := rateHeaders(res.header); got != [3]string{"50", "10", "49"} {
		t.Errorf("POST: %v", got)
	}
	// Errors carry them too.
	if got := rateHeaders(h.do(http.MethodGet, "/api/roles/missing", nil).must(t, 404).header); got[0] != "250" {
		t.Errorf("404: %v", got)
	}
	// The harness took a token: 29 left of 30 a minute.
	tok := h.raw(http.MethodPost, "/oauth/token", "application/x-www-form-urlencoded",
		"grant_type=client_credentials&client_id="+clientID+"&client_secret="+clientSecret, nil).must(t, 200)
	if got := rateHeaders(tok.header); got != [3]string{"30", "60", "28"} {
		t.Errorf("token: %v", got)
	}
	// Counted, not enforced: past the limit the answers go on, with
	// nothing left.
	h.sim.SetLimits(2, 10*time.Second)
	for range 3 {
		res = h.do(http.MethodGet, "/api/user", nil).must(t, 200)
	}
	if got := rateHeaders(res.header); got != [3]string{"2", "10", "0"} {
		t.Errorf("over the limit, not enforced: %v", got)
	}
}

// serveFrom serves a request as coming from ip (no server: the handler
// alone, so that the client address can be chosen).
func serveFrom(sim *simulator.Simulator, ip, method, path, contentType, body, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = ip + ":40000"
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, req)
	return rec
}

// The token endpoint allows 30 requests a minute per IP when limits are
// enforced; over it, 429 with Retry-After in the auth server's error shape.
// Its window is its own: API requests neither count in it nor are stopped
// by it, and the revoke and key-set endpoints are not limited.
func TestTokenRateLimitPerIP(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	sim := simulator.New(simulator.Options{ClientID: clientID, ClientSecret: clientSecret, RateLimits: true})
	sim.SetClock(clock.Now)
	form := "application/x-www-form-urlencoded"
	creds := "grant_type=client_credentials&client_id=" + clientID + "&client_secret=" + clientSecret
	const a, b = "192.0.2.1", "192.0.2.2"

	var token string
	for i := range 30 {
		rec := serveFrom(sim, a, http.MethodPost, "/oauth/token", form, creds, "")
		if rec.Code != 200 {
			t.Fatalf("token %d: %d %s", i+1, rec.Code, rec.Body)
		}
		if i == 0 {
			var body struct {
				AccessToken string `json:"access_token"`
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			token = body.AccessToken
		}
		clock.Advance(time.Second) // 30 requests over 30 s: all in the minute
	}
	rec := serveFrom(sim, a, http.MethodPost, "/oauth/token", form, creds, "")
	const want = `{"errors":[{"code":"TOO_MANY_REQUESTS","detail":"Too many token requests: retry after the time given in Retry-After","status":429,"title":"too_many_requests"}]}`
	if rec.Code != 429 || rec.Body.String() != want {
		t.Errorf("31st token: %d %s\nwant 429 %s", rec.Code, rec.Body, want)
	}
	// The first request of the window leaves it 60 s after it was made,
	// 30 s from now.
	if got := rec.Header().Get("Retry-After"); got != "30" {
		t.Errorf("Retry-After %q, want 30", got)
	}
	if got := rec.Header().Get("X-Ratelimit-Remaining"); got != "0" {
		t.Errorf("X-Ratelimit-Remaining %q", got)
	}

	// Another IP has its own window; the API has its own windows.
	if rec := serveFrom(sim, b, http.MethodPost, "/oauth/token", form, creds, ""); rec.Code != 200 {
		t.Errorf("token from another IP: %d %s", rec.Code, rec.Body)
	}
	if rec := serveFrom(sim, a, http.MethodGet, "/api/user", "", "", token); rec.Code != 200 || rec.Header().Get("X-Ratelimit-Limit") != "250" {
		t.Errorf("API GET from the limited IP: %d %v", rec.Code, rec.Header())
	}
	for range 3 {
		if rec := serveFrom(sim, a, http.MethodGet, "/.well-known/jwks.json", "", "", ""); rec.Code != 200 || rec.Header().Get("X-Ratelimit-Limit") != "" {
			t.Errorf("key set: %d %v", rec.Code, rec.Header())
		}
		body := `{"client_id":"` + clientID + `","client_secret":"` + clientSecret + `","token":"unknown"}`
		if rec := serveFrom(sim, a, http.MethodPost, "/oauth/revoke", "application/json", body, ""); rec.Code != 200 {
			t.Errorf("revoke: %d %s", rec.Code, rec.Body)
		}
	}

	clock.Advance(30 * time.Second)
	if rec := serveFrom(sim, a, http.MethodPost, "/oauth/token", form, creds, ""); rec.Code != 200 {
		t.Errorf("token after Retry-After: %d %s", rec.Code, rec.Body)
	}
	if rec := serveFrom(sim, a, http.MethodPost, "/oauth/token", form, creds, ""); rec.Code != 429 {
		t.Errorf("the next one, with the window full again: %d", rec.Code)
	}

	// Not enforced: no limit on tokens.
	sim.SetRateLimits(false)
	for range 40 {
		if rec := serveFrom(sim, a, http.MethodPost, "/oauth/token", form, creds, ""); rec.Code != 200 {
			t.Fatalf("token, limits off: %d", rec.Code)
		}
	}
}
