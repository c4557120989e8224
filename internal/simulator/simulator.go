// Package simulator is an in-memory Commerce Layer Provisioning API: an
// http.Handler serving the auth server's /oauth/token, /oauth/revoke and
// /.well-known/jwks.json and the API's /api/... from a store held in memory,
// with the business rules of the real service (see rules.go) and hooks for
// tests to change objects behind a client's back, inject faults and count
// requests (see hooks.go).
package simulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultTokenTTL is the lifetime of an access token. The Provisioning docs
// do not state one; this is the Core API's default for confidential
// (integration) clients, the closest documented value.
const DefaultTokenTTL = 2 * time.Hour

// maxBody bounds request bodies; the API's objects are small.
const maxBody = 1 << 20

// Options configure a Simulator. The zero value is usable: any client
// credentials are then rejected, so set ClientID and ClientSecret.
type Options struct {
	ClientID, ClientSecret string
	TokenTTL               time.Duration // DefaultTokenTTL when zero
	// NonEnterprise puts new organizations on a non-Enterprise plan (no
	// custom roles, no identity providers); see SetEnterprise.
	NonEnterprise bool
	// The signed-in user (the owner of every organization it creates).
	UserEmail, UserFirstName, UserLastName string
	// RateLimits enforces the published limits (see ratelimit.go): over them
	// a request gets 429 with Retry-After. Requests are counted, and the
	// X-Ratelimit-* headers sent, either way.
	RateLimits bool
	// ReadLag, when positive, makes every GET miss the objects created less
	// than ReadLag ago by the simulator's clock, as a read replica that lags
	// behind the primary would; writes see them at once. See readlag.go and
	// SetReadLag.
	ReadLag time.Duration
	// MaskSecrets renders identity providers' client_secret masked (all but
	// its last four characters) instead of in clear; see SetMaskSecrets.
	MaskSecrets bool
	// RequestsLog receives one JSON line per request served.
	RequestsLog io.Writer
	// OnExchange is called with each response just before it is sent (not
	// for dropped connections), e.g. to check it against the OpenAPI spec.
	OnExchange func(Exchange)
}

// Exchange is one request and the response it got.
type Exchange struct {
	Method, Path, RawQuery string
	RequestHeader          http.Header
	RequestBody            []byte
	Status                 int
	ResponseHeader         http.Header
	ResponseBody           []byte
}

// Request is an entry of the request log. Status is 0 for a dropped
// connection.
type Request struct {
	Method, Path string
	Query        string
	Status       int
	Time         time.Time
	Duration     time.Duration
}

// Simulator is the in-memory API. All its methods are safe for concurrent use.
type Simulator struct {
	opts Options
	ttl  time.Duration
	now  func() time.Time // tokens and rate limits; tests may replace it

	mu      sync.Mutex // guards st and readLag
	st      *store
	readLag time.Duration

	authMu sync.Mutex
	tokens map[string]time.Time // access token -> expiry

	// The claims of the tokens: the signed-in user and the application
	// behind the Provisioning API credentials (fixed for a simulator's life).
	userID, appID string

	ctlMu      sync.Mutex // guards the fields below
	faults     []*faultState
	rateLimits bool
	limits     limitSet
	hits       map[string][]time.Time // rate-limit key -> accepted request times
	requests   []Request
}

// New returns a Simulator with an empty store holding only the signed-in user.
func New(opts Options) *Simulator {
	s := &Simulator{
		opts:       opts,
		ttl:        opts.TokenTTL,
		now:        time.Now,
		st:         newStore(!opts.NonEnterprise, opts.MaskSecrets),
		tokens:     map[string]time.Time{},
		readLag:    opts.ReadLag,
		rateLimits: opts.RateLimits,
		limits:     publishedLimits,
		hits:       map[string][]time.Time{},
	}
	if s.ttl <= 0 {
		s.ttl = DefaultTokenTTL
	}
	s.st.addUser(
		orDefault(opts.UserEmail, "owner@example.com"),
		orDefault(opts.UserFirstName, "Olivia"),
		orDefault(opts.UserLastName, "Owner"),
	)
	s.userID, s.appID = s.st.userID, s.st.appID
	return s
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// ServeHTTP serves one request: faults first, then rate limits, then the API.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	var resp *response
	switch {
	case err != nil:
		resp = errorResponse(errBadRequest("BAD_REQUEST", "The request body could not be read"))
	case len(body) > maxBody:
		resp = errorResponse(errBadRequest("BAD_REQUEST", "The request body is too large"))
	}

	f := s.takeFault(r.Method, r.URL.Path)
	if f != nil && f.Kind == FaultLatency && !f.AfterHandling {
		sleep(r, f.Latency)
	}
	var limits http.Header
	if resp == nil && (f == nil || f.Kind == FaultLatency || f.AfterHandling) {
		if resp, limits = s.limit(r); resp == nil {
			resp = s.handle(r, body)
		}
	}
	if f != nil {
		switch f.Kind {
		case FaultLatency:
			if f.AfterHandling {
				sleep(r, f.Latency)
			}
		case FaultStatus:
			resp = faultResponse(r.URL.Path, f)
		case FaultDrop:
			s.record(r, 0, start)
			drop(w)
			return
		}
	}

	for k, v := range limits {
		resp.header[k] = v
	}

	// Logged and reported before the client sees the answer, so that a
	// client counting requests or collecting violations right after its
	// call finds it there.
	s.record(r, resp.status, start)
	if s.opts.OnExchange != nil {
		s.opts.OnExchange(Exchange{
			Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
			RequestHeader: r.Header.Clone(), RequestBody: body,
			Status: resp.status, ResponseHeader: resp.header.Clone(), ResponseBody: bytes.Clone(resp.body),
		})
	}
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// sleep waits d, or less if the client goes away.
func sleep(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

// record appends to the request log and writes the requests-log line.
func (s *Simulator) record(r *http.Request, status int, start time.Time) {
	req := Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Status: status, Time: start, Duration: time.Since(start),
	}
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	s.requests = append(s.requests, req)
	if s.opts.RequestsLog == nil {
		return
	}
	line, _ := json.Marshal(map[string]any{
		"time": req.Time.UTC().Format(time.RFC3339Nano), "method": req.Method, "path": req.Path,
		"query": req.Query, "status": req.Status,
		"duration_ms": float64(req.Duration.Microseconds()) / 1000,
	})
	_, _ = s.opts.RequestsLog.Write(append(line, '\n'))
}
