package provisioning

import (
	"math"
	"net/http"
	"testing"
	"time"

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
	if d := time.Since(start); d > 40*time.Millisecond {
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
