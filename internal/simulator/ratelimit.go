package simulator

import (
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

// limitSet holds the limits the simulator enforces when rate limits are on.
// An endpoint is a resource's collection path (/api/roles covers
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

// limit counts a request against the limits and returns a 429 response when
// one of them is exceeded (rejected requests do not count). With limits on,
// header holds the X-Ratelimit-* headers every answer carries: the window
// with the fewest requests left, its size and its length in seconds (the
// headers Commerce Layer's Core clients read, source: commercelayer
// sdk-utils; assumptions: that the Provisioning API sends them too, that
// Interval is in seconds, and that the tightest window is the one told).
func (s *Simulator) limit(r *http.Request) (resp *response, header http.Header) {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	if !s.rateLimits {
		return nil, nil
	}
	type check struct {
		key string
		w   window
	}
	var checks []check
	if r.URL.Path == "/oauth/token" {
		checks = []check{{"token", s.limits.token}}
	} else {
		endpoint := r.URL.Path
		if rest, ok := strings.CutPrefix(endpoint, "/api/"); ok {
			first, _, _ := strings.Cut(rest, "/")
			endpoint = "/api/" + first
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			checks = []check{{"read", s.limits.readAll}, {"read " + endpoint, s.limits.readEndpoint}}
		} else {
			checks = []check{{"write", s.limits.writeAll}, {"write " + endpoint, s.limits.writeEndpoint}}
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
