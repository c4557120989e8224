package provisioning

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenSource holds the one access token of a Client, shared by all its
// goroutines. oauth2's own ReuseTokenSource is thread-safe but cannot be told
// "the API rejected this token", which the 401-then-refresh rule needs; so the
// cache lives here and clientcredentials.Config.Token (one token request per
// call) does the fetching.
//
// Token requests are form-encoded with client_id and client_secret in the
// body (oauth2.AuthStyleInParams). The API docs show a JSON body, but the
// form encoding is the OAuth 2 standard (RFC 6749 §4.4) that
// auth.commercelayer.io accepts as well; an explicit style also avoids
// AuthStyleAutoDetect, which on a failure tries a second request with Basic
// auth (doubling token requests against a 30/min limit).
type tokenSource struct {
	cc     *clientcredentials.Config // nil: static token only, no refresh
	client *http.Client              // used for token requests (UA + token limiter)

	// sem serialises fetches (a context-aware mutex): 20 goroutines hitting a
	// cold client make one token request, the others wait and reuse it.
	sem chan struct{}

	mu  sync.Mutex
	tok *oauth2.Token

	// cache is the token shared by this machine's processes (tokencache.go);
	// nil: none. cacheWait bounds the wait for another process's fetch.
	cache       *tokenCache
	cacheWait   time.Duration
	cacheErr    error        // the cache could not be opened
	cacheLogged bool         // a failure to use it was logged
	rejected    string       // the last token the API refused
	fromShared  atomic.Int64 // tokens taken from the cache (tests)
}

func newTokenSource(cfg *Config, tokenURL string, hc *http.Client, l *limiter, reqTimeout time.Duration) *tokenSource {
	ts := &tokenSource{sem: make(chan struct{}, 1)}
	if cfg.AccessToken != "" {
		// No expiry: used until the API rejects it.
		ts.tok = &oauth2.Token{AccessToken: cfg.AccessToken, TokenType: "Bearer"}
	}
	if cfg.ClientID != "" {
		ts.cc = &clientcredentials.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			TokenURL:     tokenURL,
			AuthStyle:    oauth2.AuthStyleInParams,
		}
		ts.client = &http.Client{
			Transport:     &tokenTransport{base: hc.Transport, userAgent: cfg.UserAgent, limiter: l},
			CheckRedirect: hc.CheckRedirect,
			Jar:           hc.Jar,
			// A token request is bounded as an API request's attempt is:
			// its place in the (shared) limiter is held until it ends.
			Timeout: reqTimeout,
		}
		if cfg.SharedCacheDir != "" {
			var err error
			if ts.cache, err = newTokenCache(cfg.SharedCacheDir, cfg.ClientID, cfg.ClientSecret, tokenURL); err != nil {
				ts.cacheErr = err
			}
			ts.cacheWait = reqTimeout + flightSlack
		}
	}
	return ts
}

// canRefresh reports whether a rejected token can be replaced.
func (ts *tokenSource) canRefresh() bool { return ts.cc != nil }

func (ts *tokenSource) current() string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.tok != nil && ts.tok.Valid() {
		return ts.tok.AccessToken
	}
	return ""
}

// invalidate drops the cached token if it is still the one that was
// rejected (another goroutine may already have replaced it).
func (ts *tokenSource) invalidate(rejected string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.rejected = rejected
	if ts.tok != nil && ts.tok.AccessToken == rejected {
		ts.tok = nil
	}
}

// token returns a valid access token, fetching one when none is cached.
func (ts *tokenSource) token(ctx context.Context) (string, error) {
	if t := ts.current(); t != "" {
		return t, nil
	}
	if ts.cc == nil {
		return "", errors.New("the access token was rejected and cannot be refreshed without client_id and client_secret")
	}
	select {
	case ts.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-ts.sem }()
	if t := ts.current(); t != "" { // fetched while we waited
		return t, nil
	}
	if ts.cacheErr != nil {
		ts.cacheFailed(ctx, "opening the cache directory", ts.cacheErr)
	}
	if ts.cache != nil {
		// Another process may have fetched one; if not, fetch while
		// holding the lock, so that those starting now wait for this one.
		if t := ts.fromCache(ctx); t != "" {
			return t, nil
		}
		switch err := ts.cache.lock.lock(ctx, ts.cacheWait); {
		case err == nil:
			defer ts.cache.lock.unlock()
			if t := ts.fromCache(ctx); t != "" {
				return t, nil
			}
			ts.mu.Lock()
			rejected := ts.rejected
			ts.mu.Unlock()
			if err := ts.cache.drop(rejected); err != nil {
				ts.cacheFailed(ctx, "dropping the rejected token", err)
			}
		case ctx.Err() != nil:
			return "", ctx.Err()
		default:
			ts.cacheFailed(ctx, "waiting for the cache's lock", err)
		}
	}
	start := time.Now()
	tok, err := ts.cc.Token(context.WithValue(ctx, oauth2.HTTPClient, ts.client))
	if err != nil {
		return "", newTokenError(err)
	}
	if ts.cache != nil {
		if err := ts.cache.store(tok); err != nil {
			ts.cacheFailed(ctx, "storing the token", err)
		}
	}
	tflog.Debug(ctx, "Provisioning API access token obtained", map[string]any{
		"duration_ms": time.Since(start).Milliseconds(),
		"expiry":      tok.Expiry.Format(time.RFC3339),
	})
	ts.mu.Lock()
	ts.tok = tok
	ts.mu.Unlock()
	return tok.AccessToken, nil
}

// TokenError is a failure to obtain an access token. Its message carries the
// status and the OAuth error code/description only, never the response body.
type TokenError struct {
	StatusCode  int    // 0 when no HTTP answer was received
	Code        string // the OAuth error code, e.g. "invalid_client"
	Description string
	RetryAfter  time.Duration // from a 429/503 answer, when given
	Err         error         // transport or decoding error, when StatusCode is 0

	transport bool // Err is a connection-level failure
}

func (e *TokenError) Error() string {
	if e.StatusCode == 0 {
		return fmt.Sprintf("fetching the access token: %v", e.Err)
	}
	s := fmt.Sprintf("fetching the access token: %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		s += ": " + e.Code
	}
	if e.Description != "" {
		s += " (" + e.Description + ")"
	}
	if e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusBadRequest {
		s += "; check client_id and client_secret"
	}
	return s
}

func (e *TokenError) Unwrap() error { return e.Err }

// retryable: the token request is safe to repeat (no API action depends on
// it), so connection errors, 429 and 5xx are worth another try.
func (e *TokenError) retryable() bool {
	if e.StatusCode == 0 {
		return e.transport && !isPermanentTransportError(e.Err)
	}
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

func newTokenError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		te := &TokenError{Code: re.ErrorCode, Description: re.ErrorDescription}
		if te.Code == "" {
			te.Code, te.Description = authServerError(re.Body)
		}
		if re.Response != nil {
			te.StatusCode = re.Response.StatusCode
			te.RetryAfter, _ = parseRetryAfter(re.Response.Header.Get("Retry-After"), time.Now())
		}
		if te.StatusCode == 0 {
			te.Err = errors.New("invalid token response")
		}
		return te
	}
	// A url.Error names the token URL (no secret in it: the credentials
	// travel in the body); keep only the cause.
	var ue *url.Error
	if errors.As(err, &ue) {
		return &TokenError{Err: ue.Err, transport: true}
	}
	return &TokenError{Err: err} // e.g. a 2xx answer without access_token
}

// authServerError reads the error document auth.commercelayer.io answers
// with: {"errors":[{"title":"invalid_client","code":"UNAUTHORIZED",
// "status":401,"detail":"Client authentication failed ..."}]}, the OAuth
// code in title (source: commercelayer-js-auth's live test
// authenticate.spec.ts). oauth2 only reads RFC 6749's {"error": ...}, which
// that server does not send; both shapes are understood. Only the first
// error's title and detail are kept, never the rest of the body.
func authServerError(body []byte) (code, description string) {
	var doc struct {
		Errors []struct {
			Title  string `json:"title"`
			Detail string `json:"detail"`
			Code   string `json:"code"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &doc) != nil || len(doc.Errors) == 0 {
		return "", ""
	}
	e := doc.Errors[0]
	code = e.Title
	if code == "" {
		code = e.Code
	}
	return code, e.Detail
}

// tokenTransport adds the User-Agent and the token endpoint's rate limit to
// the requests oauth2 makes.
type tokenTransport struct {
	base      http.RoundTripper
	userAgent string
	limiter   *limiter
}

func (t *tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	place, _, err := t.limiter.waitToken(r.Context())
	if err != nil {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, err
	}
	r2 := r.Clone(r.Context())
	r2.Header.Set("User-Agent", t.userAgent)
	r2.Header.Set("Accept", "application/json")
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	res, err := base.RoundTrip(r2)
	if err != nil {
		t.limiter.done(place, nil)
		return nil, err
	}
	// Its headers (X-Ratelimit-*, a 429's Retry-After) inform the token
	// window as an API answer's inform its own.
	t.limiter.done(place, &response{status: res.StatusCode, header: res.Header})
	return res, nil
}
