package simulator

import (
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// window is a sliding-window limit: at most max requests per period.
type window struct {
	max    int
	period time.Duration
}

// limitSet holds the limits the simulator counts every request against (per
// client IP) and enforces when rate limits are on. An endpoint is a resource's collection path (/api/roles covers
// /api/roles/{id} and its related paths too).
type limitSet struct {
	token         window // POST /oauth/token
	readAll       window // GET, all endpoints
	readEndpoint  window // GET, per endpoint
	writeAll      window // POST, PATCH, DELETE, all endpoints
	writeEndpoint window // POST, PATCH, DELETE, per endpoint
}

// publishedLimits are the API's published limits. Whether PATCH and DELETE
// count as writes is not documented; counting them is the cautious reading.
var publishedLimits = limitSet{
	token:         window{30, time.Minute},
	readAll:       window{1000, time.Minute},
	readEndpoint:  window{250, 10 * time.Second},
	writeAll:      window{200, time.Minute},
	writeEndpoint: window{50, 10 * time.Second},
}

// limit counts a request against the limits and, when they are enforced,
// returns a 429 response when one of them is exceeded (rejected requests do
// not count). header holds the X-Ratelimit-* headers every answer carries,
// enforced or not: the window with the fewest requests left, its size and
// its length in seconds.
//
// Sources: the SDK's live test (provisioning-sdk specs/headers.spec.ts)
// expects x-ratelimit-limit on the answer of GET /api/user, with nothing
// turned on; Commerce Layer's Core clients (sdk-utils rate_limit.ts) read
// X-Ratelimit-Limit, X-Ratelimit-Interval (seconds: it waits
// interval*1000/limit ms) and X-Ratelimit-Remaining. Assumptions: that the
// Provisioning API sends Interval and Remaining too, that it counts every
// request whether or not it is close to a limit, that the tightest window is
// the one told, and that the token endpoint sends them as well.
//
// Requests are counted per client IP, as the limits are published ("per
// IP"). The auth server's revoke and key-set endpoints have no published
// limit and are neither counted nor limited (assumption).
func (s *Simulator) limit(r *http.Request) (resp *response, header http.Header) {
	type check struct {
		key string
		w   window
	}
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	ip := clientIP(r)
	var checks []check
	switch path := r.URL.EscapedPath(); path {
	case "/oauth/token":
		// 30 requests per minute per IP, live and test alike (Core docs:
		// rate-limits; sdk-utils: erl_oauth_limit_live 30).
		checks = []check{{ip + " token", s.limits.token}}
	case revokePath, jwksPath:
		return nil, nil
	default:
		endpoint := path
		if rest, ok := strings.CutPrefix(endpoint, "/api/"); ok {
			first, _, _ := strings.Cut(rest, "/")
			endpoint = "/api/" + first
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			checks = []check{{ip + " read", s.limits.readAll}, {ip + " read " + endpoint, s.limits.readEndpoint}}
		} else {
			checks = []check{{ip + " write", s.limits.writeAll}, {ip + " write " + endpoint, s.limits.writeEndpoint}}
		}
	}
	now := s.now()
	var wait time.Duration
	for _, c := range checks {
		hits := s.hits[c.key]
		cut := 0
		for cut < len(hits) && now.Sub(hits[cut]) >= c.w.period {
			cut++
		}
		hits = slices.Delete(hits, 0, cut)
		s.hits[c.key] = hits
		if len(hits) >= c.w.max {
			wait = max(wait, hits[len(hits)-c.w.max].Add(c.w.period).Sub(now))
		}
	}
	if !s.rateLimits {
		wait = 0
	}
	if wait == 0 {
		for _, c := range checks {
			s.hits[c.key] = append(s.hits[c.key], now)
		}
	}
	tightest, left := checks[0].w, -1
	for _, c := range checks {
		if l := max(c.w.max-len(s.hits[c.key]), 0); left < 0 || l < left {
			tightest, left = c.w, l
		}
	}
	header = http.Header{}
	header.Set("X-Ratelimit-Limit", strconv.Itoa(tightest.max))
	header.Set("X-Ratelimit-Interval", strconv.FormatInt(int64(tightest.period/time.Second), 10))
	header.Set("X-Ratelimit-Remaining", strconv.Itoa(left))
	if wait > 0 {
		if r.URL.Path == "/oauth/token" {
			resp = authError(http.StatusTooManyRequests, "too_many_requests", "Too many token requests: retry after the time given in Retry-After")
		} else {
			resp = errorResponse(errTooManyRequests())
		}
		resp.header.Set("Retry-After", retryAfter(wait))
	}
	return resp, header
}

// clientIP is the address a request came from (its host part).
func clientIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
