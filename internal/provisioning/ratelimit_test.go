package provisioning

import (
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"

	"golang.org/x/time/rate"
)

func TestPerWindowStaysUnderPublishedLimits(t *testing.T) {
	t.Parallel()
	specs := defaultLimitSpecs()
	for name, tt := range map[string]struct {
		b      bucket
		n      int
		window time.Duration
	}{
		"GET overall":      {specs.readAll, 1000, time.Minute},
		"GET endpoint":     {specs.readEndpoint, 250, 10 * time.Second},
		"write overall":    {specs.writeAll, 200, time.Minute},
		"write endpoint":   {specs.writeEndpoint, 50, 10 * time.Second},
		"token (per min.)": {specs.token, 30, time.Minute},
	} {
		// The most a token bucket admits in any window: burst + rate*window.
		most := float64(tt.b.burst) + float64(tt.b.limit)*tt.window.Seconds()
		if most > float64(tt.n)+1e-9 || tt.b.burst < 1 || most < 0.75*float64(tt.n) {
			t.Errorf("%s: burst %d rate %.3f/s admits %.1f per %s; published %d", name, tt.b.burst, float64(tt.b.limit), most, tt.window, tt.n)
		}
	}
}

func fastSpecs(endpoint bucket) limitSpecs {
	inf := bucket{limit: rate.Inf, burst: math.MaxInt32}
	return limitSpecs{readAll: inf, readEndpoint: endpoint, writeAll: inf, writeEndpoint: endpoint, token: inf}
}

func TestLimiterSlowsABurstPerEndpoint(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, success)
	c := f.client()
	// Test hook: 2 at once, then one per 50 ms, per endpoint and class.
	c.limiter.setSpecs(fastSpecs(bucket{limit: 20, burst: 2}))
	ctx := t.Context()

	start := time.Now()
	for range 6 {
		if _, err := c.Get(ctx, "roles", "r1"); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 180*time.Millisecond {
		t.Fatalf("6 GETs took %s; with burst 2 at 20/s they need >= 200ms", d)
	}

	// Another endpoint, and writes to the same one, have their own buckets.
	start = time.Now()
	for range 2 {
		if _, err := c.Get(ctx, "memberships", "m1"); err != nil {
			t.Fatal(err)
		}
		if err := c.Delete(ctx, "roles", "r1"); err != nil {
			t.Fatal(err)
		}
	}
	// Sharing the exhausted read:roles bucket would cost >= 4 x 50 ms.
	if d := time.Since(start); d > 150*time.Millisecond {
		t.Fatalf("separate buckets were throttled: %s", d)
	}
	for _, k := range []string{"read", "read:roles", "read:memberships", "write", "write:roles", "token"} {
		if _, ok := c.limiter.m[k]; !ok {
			t.Errorf("limiter %q not created; have %v", k, keys(c.limiter.m))
		}
	}
}

func TestLimiterNestedPathCountsAsFirstSegment(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeDoc(w, http.StatusOK, map[string]any{"data": []any{}})
	})
	c := f.client()
	c.limiter.setSpecs(fastSpecs(bucket{limit: 20, burst: 1}))
	if _, err := c.List(t.Context(), "organizations/o1/roles", Query{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.limiter.m["read:organizations"]; !ok {
		t.Fatalf("want a limiter for the first segment; have %v", keys(c.limiter.m))
	}
}

// The token transport holds the same *limiter as the client: setSpecs on it
// must throttle token requests too.
func TestLimiterThrottlesTokenRequests(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, okRole)
	f.expiresIn = 5 // inside oauth2's 10 s expiry margin: every call fetches a token
	c := f.client()
	specs := fastSpecs(bucket{limit: rate.Inf, burst: math.MaxInt32})
	specs.token = bucket{limit: 20, burst: 1} // one at once, then one per 50 ms
	c.limiter.setSpecs(specs)
	start := time.Now()
	for range 4 {
		if _, err := c.Get(t.Context(), "roles", "r1"); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.tokenRequests.Load(); n != 4 {
		t.Fatalf("token requests = %d, want 4", n)
	}
	if d := time.Since(start); d < 130*time.Millisecond {
		t.Fatalf("4 token requests took %s; at burst 1, 20/s they need >= 150ms", d)
	}
}

// A burst of concurrent calls against a server that enforces a limit (and
// answers 429 above it) slows down instead of collecting 429s, when the
// client's buckets are under the server's limit, as the real ones are under
// the published limits. Retries are off, so any 429 fails a call.
func TestLimiterAvoids429(t *testing.T) {
	t.Parallel()
	burst := func(t *testing.T, limited bool) (n429, ok int64) {
		server := rate.NewLimiter(40, 4) // the "published" limit: 4 at once, 40/s
		var tooMany, served atomic.Int64
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			if !server.Allow() {
				tooMany.Add(1)
				w.Header().Set("Retry-After", "1")
				writeErrors(w, http.StatusTooManyRequests, jsonapi.Error{Title: "Too many requests", Status: "429"})
				return
			}
			served.Add(1)
			okRole(w, r)
		})
		c := f.client(func(c *Config) { c.MaxRetries, c.DisableRateLimit = -1, !limited })
		if limited {
			// Client: 2 at once, then 20/s: half the server's rate.
			c.limiter.setSpecs(fastSpecs(bucket{limit: 20, burst: 2}))
		}
		var wg sync.WaitGroup
		for range 12 {
			wg.Go(func() {
				if _, err := c.Get(t.Context(), "roles", "r1"); err != nil && limited {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		return tooMany.Load(), served.Load()
	}
	if n429, ok := burst(t, true); n429 != 0 || ok != 12 {
		t.Fatalf("with the limiter: 429s = %d, successes = %d; want 0 and 12", n429, ok)
	}
	// The same burst without the client limiter is refused in part: the
	// check above is not vacuous.
	if n429, _ := burst(t, false); n429 == 0 {
		t.Fatal("the unthrottled burst got no 429: the server limit is too loose for this test")
	}
}

func TestDisabledLimiterNeverWaits(t *testing.T) {
	t.Parallel()
	var l *limiter
	if d, err := l.waitRequest(t.Context(), http.MethodGet, "roles"); d != 0 || err != nil {
		t.Fatal(d, err)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
