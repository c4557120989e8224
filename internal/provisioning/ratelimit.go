package provisioning

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The published limits are sliding windows per IP: GET 1000/min overall and
// 250 per 10 s per endpoint; writes 200/min overall and 50 per 10 s per
// endpoint; the token endpoint 30/min. A token bucket with burst b and rate r
// lets through at most b + r*W requests in any window of length W, so
// perWindow picks b = n/5 and r = (n-b)/W: never more than n in any window,
// while a short burst still goes out at once. A large apply therefore slows
// down smoothly instead of collecting 429s.
type bucket struct {
	limit rate.Limit
	burst int
}

func perWindow(n int, window time.Duration) bucket {
	b := max(1, n/5)
	return bucket{limit: rate.Limit(float64(n-b) / window.Seconds()), burst: b}
}

// limitSpecs are the buckets the limiter creates; tests swap them for tiny
// ones (limiter.setSpecs) instead of waiting out real windows.
type limitSpecs struct {
	readAll, readEndpoint   bucket
	writeAll, writeEndpoint bucket
	token                   bucket
}

func defaultLimitSpecs() limitSpecs {
	return limitSpecs{
		readAll:       perWindow(1000, time.Minute),
		readEndpoint:  perWindow(250, 10*time.Second),
		writeAll:      perWindow(200, time.Minute),
		writeEndpoint: perWindow(50, 10*time.Second),
		token:         perWindow(30, time.Minute),
	}
}

// limiter holds lazily created rate.Limiters keyed by "read", "write",
// "token", "read:<endpoint>" and "write:<endpoint>". A nil *limiter never
// waits (Config.DisableRateLimit).
type limiter struct {
	specs limitSpecs
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

func newLimiter(specs limitSpecs) *limiter {
	return &limiter{specs: specs, m: map[string]*rate.Limiter{}}
}

// setSpecs swaps the buckets in place (a test hook: every holder of this
// limiter, including the token transport, sees the new buckets).
func (l *limiter) setSpecs(specs limitSpecs) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.specs = specs
	l.m = map[string]*rate.Limiter{}
}

// currentSpecs reads the buckets under the lock (setSpecs may swap them).
func (l *limiter) currentSpecs() limitSpecs {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.specs
}

func (l *limiter) get(key string, b bucket) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	rl, ok := l.m[key]
	if !ok {
		rl = rate.NewLimiter(b.limit, b.burst)
		l.m[key] = rl
	}
	return rl
}

// waitRequest blocks until a request of this method to this endpoint (the
// first path segment after /api, e.g. "roles") fits both the per-endpoint and
// the overall limit. It returns how long it waited.
func (l *limiter) waitRequest(ctx context.Context, method, endpoint string) (time.Duration, error) {
	if l == nil {
		return 0, nil
	}
	specs := l.currentSpecs()
	class, all, ep := "write", specs.writeAll, specs.writeEndpoint
	if method == http.MethodGet || method == http.MethodHead {
		class, all, ep = "read", specs.readAll, specs.readEndpoint
	}
	start := time.Now()
	// Per endpoint first, then overall: the overall wait can only push the
	// request later, which keeps it inside the endpoint's window too.
	if err := wait(ctx, l.get(class+":"+endpoint, ep)); err != nil {
		return time.Since(start), err
	}
	if err := wait(ctx, l.get(class, all)); err != nil {
		return time.Since(start), err
	}
	return time.Since(start), nil
}

// waitToken blocks until a token request fits the token endpoint's limit.
func (l *limiter) waitToken(ctx context.Context) (time.Duration, error) {
	if l == nil {
		return 0, nil
	}
	start := time.Now()
	err := wait(ctx, l.get("token", l.currentSpecs().token))
	return time.Since(start), err
}

func wait(ctx context.Context, rl *rate.Limiter) error {
	if err := rl.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// rate returns an error when the wait would outlast ctx's deadline.
		return fmt.Errorf("client-side rate limit: %w", err)
	}
	return nil
}
