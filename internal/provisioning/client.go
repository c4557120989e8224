// Package provisioning is a client for the Commerce Layer Provisioning API.
//
// It knows HTTP, JSON:API, OAuth 2 client credentials, retries and the
// published rate limits, and nothing of Terraform: a Go program can provision
// with it on its own. Logging goes through tflog, which is a no-op unless the
// context carries a logger (as it does inside a Terraform provider).
//
// Guarantees:
//   - One access token per Client, shared by all goroutines; a 401 refreshes
//     it (with client credentials) and repeats the request, up to three times
//     a call. A 401 to a token obtained right after such a refresh is a
//     permission refusal: a *NotAllowedError (IsNotAllowed), not repeated.
//   - GET, PATCH and DELETE are retried on 429, 500/502/503/504 and
//     connection errors. POST is retried only where the API cannot have
//     acted (429, connection refused); after a timeout, a dropped connection,
//     any 5xx or an unreadable 2xx it returns an *UnknownOutcomeError
//     (IsUnknownOutcome; SentAt says when it was sent) instead of risking a
//     duplicate.
//   - A wait the API asks for (Retry-After) beyond the retry budget fails at
//     once, saying both numbers.
//   - A client-side limiter keeps under the published limits, modelling
//     their sliding windows exactly (ratelimit.go); with Config.SharedCacheDir
//     the clients of all the processes of a machine keep under them together
//     and share one token (shared.go).
//   - Optional, off by default: batched reads (Config.BatchWindow, batch.go)
//     and thinned included objects (Config.SparseIncluded, sparse.go).
//   - Tokens, client secrets, Authorization headers and response bodies are
//     never logged nor put into errors.
package provisioning

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-cleanhttp"
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

	// HTTPClient is optional; the default is go-cleanhttp's pooled client
	// keeping up to 64 idle connections per host. Its
	// Timeout, if any, applies on top of RequestTimeout.
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

	// SharedCacheDir, when set, is a directory through which the clients of
	// this machine's processes share one rate budget and one access token
	// (shared.go): a ledger of the requests each holds in the limiter's
	// windows, and the token fetched with ClientID and ClientSecret. ""
	// (the default): the client counts and fetches alone.
	// SharedCacheDirFromEnv gives the provider's choice.
	SharedCacheDir string

	// BatchWindow turns on batched reads (see batch.go): Gets of the same
	// type and include that come within this window of each other are
	// answered by one list request of up to 25 ids, each caller getting
	// exactly what its own GET would have given. 0 (the default) turns
	// batching off; DefaultBatchWindow (2 ms) is the suggested value.
	BatchWindow time.Duration

	// SparseIncluded asks for the smallest included objects (JSON:API sparse
	// fieldsets, e.g. fields[organizations]=name) on reads with include:
	// relationship ids (relationships.<name>.data) are unchanged, the
	// included objects carry one attribute each. Off by default: the
	// Provisioning API's own docs do not confirm the parameter (see
	// sparse.go); a 400 to it turns it off for the client.
	SparseIncluded bool
}

// Client talks to the Provisioning API. It is safe for concurrent use.
type Client struct {
	apiBase string // scheme://host[/prefix], no trailing slash
	http    *http.Client
	auth    *tokenSource
	limiter *limiter // nil when disabled
	batch   *batcher // nil when disabled
	sparse  bool     // Config.SparseIncluded

	sparseRefused atomic.Bool // the API answered 400 to fields[...]
	userAgent     string
	secrets       []string // masked in logs (defence in depth)

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
		"RetryBudget": cfg.RetryBudget, "RequestTimeout": cfg.RequestTimeout, "BatchWindow": cfg.BatchWindow,
	} {
		if d < 0 {
			return nil, fmt.Errorf("provisioning: %s must not be negative", name)
		}
	}
	c := &Client{
		apiBase:    apiBase,
		http:       cfg.HTTPClient,
		userAgent:  cfg.UserAgent,
		sparse:     cfg.SparseIncluded,
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
		c.http = pooledClient()
	}
	if !cfg.DisableRateLimit {
		c.limiter = newLimiter(defaultLimitSpecs())
	}
	if cfg.BatchWindow > 0 {
		c.batch = newBatcher(c, cfg.BatchWindow)
	}
	if c.limiter != nil && cfg.SharedCacheDir != "" {
		c.limiter.share(cfg.SharedCacheDir, apiBase, authBase, c.reqTimeout)
	}
	c.auth = newTokenSource(&cfg, authBase+"/oauth/token", c.http, c.limiter, c.reqTimeout)
	for _, s := range []string{cfg.ClientSecret, cfg.AccessToken} {
		if s != "" {
			c.secrets = append(c.secrets, s)
		}
	}
	return c, nil
}

// maxIdleConnsPerHost is how many idle connections the default HTTP client
// keeps to each host: Terraform runs up to 10 operations at once (-parallelism
// can raise it), and a pool smaller than the parallelism makes every few
// requests open (and TLS-handshake) a new connection.
const maxIdleConnsPerHost = 64

// pooledClient is go-cleanhttp's pooled client (proxy from the environment,
// sane timeouts, HTTP/2) with the idle pool sized to the parallelism instead
// of GOMAXPROCS+1.
func pooledClient() *http.Client {
	tr := cleanhttp.DefaultPooledTransport()
	tr.MaxIdleConnsPerHost = maxIdleConnsPerHost
	tr.MaxIdleConns = max(tr.MaxIdleConns, 2*maxIdleConnsPerHost) // the API and the auth host
	return &http.Client{Transport: tr}
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
