package provisioning

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told: no test here sleeps.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	armed  chan time.Duration // receives the duration of every timer set
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), armed: make(chan time.Duration, 1000)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) After(d time.Duration) (<-chan time.Time, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &fakeTimer{at: f.now.Add(d), c: make(chan time.Time, 1)}
	f.timers = append(f.timers, t)
	f.armed <- d
	return t.c, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		for i, x := range f.timers {
			if x == t {
				f.timers = append(f.timers[:i], f.timers[i+1:]...)
				return
			}
		}
	}
}

// Advance moves the clock and fires the timers that are due.
func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	kept := f.timers[:0]
	for _, t := range f.timers {
		if t.at.After(f.now) {
			kept = append(kept, t)
			continue
		}
		t.c <- f.now
	}
	f.timers = kept
}

// waitArmed waits until a waiter has set a timer and returns its duration.
// The 10 s guard only turns a hang into a failure.
func (f *fakeClock) waitArmed(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-f.armed:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no waiter set a timer")
		return 0
	}
}

func testLimiter(specs limitSpecs) (*limiter, *fakeClock) {
	fc := newFakeClock()
	l := newLimiter(specs)
	l.clock = fc
	return l, fc
}

// next reports how long a request would wait now; -1: until an answer.
// With a shared ledger, it reads it first.
func (l *limiter) next(method, endpoint string) time.Duration {
	d, _ := l.nextPoll(method, endpoint)
	return d
}

// nextPoll is next, and whether other processes' requests on their way
// (which may be answered sooner than assumed) are part of the wait.
func (l *limiter) nextPoll(method, endpoint string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if l.sync(context.Background(), now) {
		l.shared.ledger.release()
	}
	var wait time.Duration
	poll := false
	for _, s := range l.keys(requestClass(method), endpoint) {
		d, untilAnswer, p := l.room(s, now)
		poll = poll || p
		if untilAnswer {
			return -1, poll
		}
		wait = max(wait, d)
	}
	return wait, poll
}

// take makes n requests that fit at once and answers them at once.
func take(t *testing.T, l *limiter, method, endpoint string, n int) {
	t.Helper()
	for i := range n {
		tk, waited, err := l.waitRequest(t.Context(), method, endpoint)
		if err != nil || waited != 0 {
			t.Fatalf("request %d to %s: waited %s, err %v; want it to leave at once", i+1, endpoint, waited, err)
		}
		l.done(tk, &response{status: http.StatusOK, header: http.Header{}})
	}
}

const margin = defaultMargin

func TestDefaultLimitsAreThePublishedOnes(t *testing.T) {
	t.Parallel()
	want := limitSpecs{
		readAll: window{1000, time.Minute}, readEndpoint: window{250, 10 * time.Second},
		writeAll: window{200, time.Minute}, writeEndpoint: window{50, 10 * time.Second},
		token: window{30, time.Minute}, margin: defaultMargin,
	}
	if got := defaultLimitSpecs(); got != want {
		t.Fatalf("specs = %+v, want %+v", got, want)
	}
	if defaultMargin < 100*time.Millisecond || defaultMargin > 250*time.Millisecond {
		t.Fatalf("margin %s", defaultMargin)
	}
}

// 50 writes to one endpoint leave at once; the 51st leaves when the first
// has left the window (its answer + 10 s + margin), not a moment before.
func TestWriteBurstThen51stWaitsForTheFirstToLeave(t *testing.T) {
	t.Parallel()
	l, fc := testLimiter(defaultLimitSpecs())
	first := fc.Now()
	take(t, l, http.MethodPost, "roles", 1)
	fc.Advance(2 * time.Second) // the other 49 are answered later
	take(t, l, http.MethodPost, "roles", 49)

	got := make(chan error, 1)
	go func() {
		tk, _, err := l.waitRequest(t.Context(), http.MethodPatch, "roles") // PATCH counts as a write
		l.done(tk, nil)
		got <- err
	}()
	if d := fc.waitArmed(t); d != 8*time.Second+margin {
		t.Fatalf("the 51st waits %s, want %s", d, 8*time.Second+margin)
	}
	fc.Advance(8*time.Second + margin - time.Millisecond)
	select {
	case err := <-got:
		t.Fatalf("the 51st left 1 ms before the first left the window (err %v)", err)
	default:
	}
	fc.Advance(time.Millisecond)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if left := fc.Now().Sub(first); left != 10*time.Second+margin {
		t.Fatalf("the 51st left %s after the first, want %s", left, 10*time.Second+margin)
	}
	// The 52nd waits for the second, answered 2 s after the first.
	if d := l.next(http.MethodPost, "roles"); d != 2*time.Second {
		t.Fatalf("the 52nd waits %s, want 2s", d)
	}
	// Reads and other endpoints were never held up.
	if d := l.next(http.MethodGet, "roles"); d != 0 {
		t.Fatalf("a GET waits %s", d)
	}
	if d := l.next(http.MethodDelete, "memberships"); d != 0 {
		t.Fatalf("a write to another endpoint waits %s", d)
	}
}

// A request holds its place until its answer: 50 on their way keep the
// 51st waiting however long they take.
func TestRequestsOnTheirWayHoldTheirPlace(t *testing.T) {
	t.Parallel()
	l, fc := testLimiter(defaultLimitSpecs())
	var tickets []*ticket
	for range 50 {
		tk, _, err := l.waitRequest(t.Context(), http.MethodPost, "roles")
		if err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, tk)
	}
	fc.Advance(time.Minute)
	if d := l.next(http.MethodPost, "roles"); d != -1 {
		t.Fatalf("with 50 on their way the 51st waits %s; want: until an answer", d)
	}
	got := make(chan error, 1)
	go func() {
		tk, _, err := l.waitRequest(t.Context(), http.MethodPost, "roles")
		l.done(tk, nil)
		got <- err
	}()
	// The waiter has nothing to time: it waits for an answer (whether it
	// started waiting before this one comes or after, it then waits the
	// window from the answer).
	l.done(tickets[0], nil)
	if d := fc.waitArmed(t); d != 10*time.Second+margin {
		t.Fatalf("after the first answer the 51st waits %s", d)
	}
	fc.Advance(10*time.Second + margin)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	for _, tk := range tickets[1:] {
		l.done(tk, nil)
	}
}

func TestWritesOverallWindowAcrossEndpoints(t *testing.T) {
	t.Parallel()
	l, fc := testLimiter(defaultLimitSpecs())
	for _, ep := range []string{"roles", "memberships", "permissions", "api_credentials"} {
		take(t, l, http.MethodPost, ep, 50)
	}
	if d := l.next(http.MethodPost, "membership_profiles"); d != time.Minute+margin {
		t.Fatalf("the 201st write waits %s, want %s", d, time.Minute+margin)
	}
	fc.Advance(10*time.Second + margin) // the endpoint windows are free again; the minute is not
	if d := l.next(http.MethodPost, "roles"); d != 50*time.Second {
		t.Fatalf("after 10 s the 201st waits %s, want 50s", d)
	}
	fc.Advance(50 * time.Second)
	take(t, l, http.MethodPost, "roles", 50)
}

func TestReadWindows(t *testing.T) {
	t.Parallel()
	l, fc := testLimiter(defaultLimitSpecs())
	take(t, l, http.MethodGet, "roles", 250)
	if d := l.next(http.MethodGet, "roles"); d != 10*time.Second+margin {
		t.Fatalf("the 251st GET to one endpoint waits %s", d)
	}
	for _, ep := range []string{"memberships", "permissions", "organizations"} {
		take(t, l, http.MethodGet, ep, 250)
	}
	if d := l.next(http.MethodGet, "versions"); d != time.Minute+margin {
		t.Fatalf("the 1001st GET waits %s, want %s", d, time.Minute+margin)
	}
	if d := l.next(http.MethodPost, "versions"); d != 0 {
		t.Fatalf("a write waits %s behind reads", d)
	}
	fc.Advance(time.Minute + margin)
	take(t, l, http.MethodGet, "versions", 250)
}

func TestTokenWindow(t *testing.T) {
	t.Parallel()
	l, fc := testLimiter(defaultLimitSpecs())
	for range 30 {
		tk, d, err := l.waitToken(t.Context())
		if d != 0 || err != nil {
			t.Fatal(d, err)
		}
		l.done(tk, &response{status: http.StatusOK, header: http.Header{}})
	}
	got := make(chan error, 1)
	go func() {
		tk, _, err := l.waitToken(t.Context())
		l.done(tk, nil)
		got <- err
	}()
	if d := fc.waitArmed(t); d != time.Minute+margin {
		t.Fatalf("the 31st token request waits %s", d)
	}
	fc.Advance(time.Minute + margin)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	l.blockToken(5 * time.Second) // a 429 from the token endpoint
	l.mu.Lock()
	d, _ := l.m["token"].wait(fc.Now(), margin)
	l.mu.Unlock()
	if d != 5*time.Second {
		t.Fatalf("after a 429 with Retry-After 5 the token endpoint waits %s", d)
	}
}

// A 429 that still comes (another client on the same IP) blocks that
// endpoint's class until its Retry-After, and only that.
func TestA429BlocksTheEndpointUntilRetryAfter(t *testing.T) {
	t.Parallel()
	l, fc := testLimiter(defaultLimitSpecs())
	tk, _, err := l.waitRequest(t.Context(), http.MethodPost, "roles")
	if err != nil {
		t.Fatal(err)
	}
	l.done(tk, &response{status: http.StatusTooManyRequests, header: http.Header{"Retry-After": {"3"}}})
	if d := l.next(http.MethodPost, "roles"); d != 3*time.Second {
		t.Fatalf("after a 429 writes to roles wait %s, want 3s", d)
	}
	if d := l.next(http.MethodGet, "roles"); d != 0 {
		t.Fatalf("reads wait %s", d)
	}
	if d := l.next(http.MethodPost, "memberships"); d != 0 {
		t.Fatalf("writes to another endpoint wait %s", d)
	}
	fc.Advance(3 * time.Second)
	take(t, l, http.MethodPost, "roles", 49) // the refused one still counts: 49 left
}

func TestRateLimitHeadersTighten(t *testing.T) {
	t.Parallel()
	header := func(limit, interval, remaining string) *response {
		return &response{status: http.StatusOK, header: http.Header{
			"X-Ratelimit-Limit": {limit}, "X-Ratelimit-Interval": {interval}, "X-Ratelimit-Remaining": {remaining}}}
	}
	t.Run("fewer remaining than ours: others used them", func(t *testing.T) {
		t.Parallel()
		l, _ := testLimiter(defaultLimitSpecs())
		take(t, l, http.MethodPost, "roles", 2)
		tk, _, _ := l.waitRequest(t.Context(), http.MethodPost, "roles")
		l.done(tk, header("50", "10", "5")) // ours: 3 used, 47 left; the API: 5 left
		take(t, l, http.MethodPost, "roles", 5)
		if d := l.next(http.MethodPost, "roles"); d != 10*time.Second+margin {
			t.Fatalf("the 6th after the header waits %s", d)
		}
	})
	t.Run("a lower limit", func(t *testing.T) {
		t.Parallel()
		l, _ := testLimiter(defaultLimitSpecs())
		tk, _, _ := l.waitRequest(t.Context(), http.MethodGet, "roles")
		l.done(tk, header("20", "10", "19"))
		take(t, l, http.MethodGet, "roles", 19)
		if d := l.next(http.MethodGet, "roles"); d != 10*time.Second+margin {
			t.Fatalf("the 21st waits %s", d)
		}
		if d := l.next(http.MethodGet, "memberships"); d != 0 {
			t.Fatalf("another endpoint waits %s", d)
		}
	})
	t.Run("the overall window", func(t *testing.T) {
		t.Parallel()
		l, _ := testLimiter(defaultLimitSpecs())
		tk, _, _ := l.waitRequest(t.Context(), http.MethodPost, "roles")
		l.done(tk, header("100", "60", "99"))
		take(t, l, http.MethodPost, "memberships", 50)
		take(t, l, http.MethodPost, "permissions", 49)
		if d := l.next(http.MethodPost, "organizations"); d != time.Minute+margin {
			t.Fatalf("the 101st write waits %s", d)
		}
	})
	t.Run("a window of its own", func(t *testing.T) {
		t.Parallel()
		l, _ := testLimiter(defaultLimitSpecs())
		tk, _, _ := l.waitRequest(t.Context(), http.MethodPost, "roles")
		l.done(tk, header("10", "30", "9"))
		take(t, l, http.MethodPost, "memberships", 9)
		if d := l.next(http.MethodPost, "permissions"); d != 30*time.Second+margin {
			t.Fatalf("the 11th write in 30 s waits %s", d)
		}
	})
	t.Run("never loosened", func(t *testing.T) {
		t.Parallel()
		l, _ := testLimiter(defaultLimitSpecs())
		tk, _, _ := l.waitRequest(t.Context(), http.MethodPost, "roles")
		l.done(tk, header("500", "10", "499"))
		take(t, l, http.MethodPost, "roles", 49)
		if d := l.next(http.MethodPost, "roles"); d != 10*time.Second+margin {
			t.Fatalf("the 51st waits %s", d)
		}
	})
	t.Run("garbage is ignored", func(t *testing.T) {
		t.Parallel()
		l, _ := testLimiter(defaultLimitSpecs())
		tk, _, _ := l.waitRequest(t.Context(), http.MethodPost, "roles")
		l.done(tk, header("ten", "-1", "x"))
		take(t, l, http.MethodPost, "roles", 49)
	})
}

func TestLimiterWaitEndsWithTheContext(t *testing.T) {
	t.Parallel()
	l, fc := testLimiter(defaultLimitSpecs())
	take(t, l, http.MethodPost, "roles", 50)
	ctx, cancel := context.WithCancel(t.Context())
	got := make(chan error, 1)
	go func() {
		_, _, err := l.waitRequest(ctx, http.MethodPost, "roles")
		got <- err
	}()
	fc.waitArmed(t)
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	// The abandoned wait took no place.
	fc.Advance(10*time.Second + margin)
	take(t, l, http.MethodPost, "roles", 50)
}

func TestLimiterNestedPathCountsAsFirstSegment(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeDoc(w, http.StatusOK, map[string]any{"data": []any{}})
	})
	c := f.client()
	if _, err := c.List(t.Context(), "organizations/o1/roles", Query{}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"read", "read:organizations", "token"} {
		if _, ok := c.limiter.m[k]; !ok {
			t.Fatalf("want a window %q; have %v", k, keys(c.limiter.m))
		}
	}
}

// The token transport holds the same *limiter as the client: its windows
// throttle token requests too.
func TestLimiterThrottlesTokenRequests(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, okRole)
	f.expiresIn = 5 // inside oauth2's 10 s expiry margin: every call fetches a token
	c := f.client()
	fc := newFakeClock()
	c.limiter.clock = fc
	specs := defaultLimitSpecs()
	specs.token = window{2, time.Second}
	c.limiter.setSpecs(specs)
	for range 2 {
		if _, err := c.Get(t.Context(), "roles", "r1"); err != nil {
			t.Fatal(err)
		}
	}
	got := make(chan error, 1)
	go func() {
		_, err := c.Get(t.Context(), "roles", "r1")
		got <- err
	}()
	if d := fc.waitArmed(t); d != time.Second+margin {
		t.Fatalf("the third token request waits %s", d)
	}
	if n := f.tokenRequests.Load(); n != 2 {
		t.Fatalf("token requests = %d before the window moved, want 2", n)
	}
	fc.Advance(time.Second + margin)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if n := f.tokenRequests.Load(); n != 3 {
		t.Fatalf("token requests = %d, want 3", n)
	}
}

// End to end, on the real clock: a server enforcing a sliding window (and
// answering 429 above it) gets no 429 from a client whose windows are the
// same as the server's, however concurrent the calls. Retries are off, so
// any 429 would fail a call. Without the limiter the same burst is refused
// in part: the check is not vacuous.
func TestLimiterAvoids429(t *testing.T) {
	t.Parallel()
	const n, per = 4, 300 * time.Millisecond
	burst := func(t *testing.T, limited bool) (n429, ok int64) {
		var tooMany, served atomic.Int64
		f := newFakeAPI(t, windowLimit(n, per, &tooMany, func(w http.ResponseWriter, r *http.Request) {
			served.Add(1)
			okRole(w, r)
		}))
		c := f.client(func(c *Config) { c.MaxRetries, c.DisableRateLimit = -1, !limited })
		if limited {
			specs := defaultLimitSpecs()
			specs.readEndpoint = window{n, per}
			specs.margin = 20 * time.Millisecond
			c.limiter.setSpecs(specs)
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
	if n429, _ := burst(t, false); n429 == 0 {
		t.Fatal("the unthrottled burst got no 429: the server limit is too loose for this test")
	}
}

func TestDisabledLimiterNeverWaits(t *testing.T) {
	t.Parallel()
	var l *limiter
	if tk, d, err := l.waitRequest(t.Context(), http.MethodGet, "roles"); tk != nil || d != 0 || err != nil {
		t.Fatal(tk, d, err)
	}
	l.done(nil, nil)
	if tk, d, err := l.waitToken(t.Context()); tk != nil || d != 0 || err != nil {
		t.Fatal(tk, d, err)
	}
	l.blockToken(time.Second)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// queued waits (bounded) until n requests wait in the queue of the tests' key.
func queued(t *testing.T, l *limiter, n int) {
	const key = "write:roles"
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		l.mu.Lock()
		got := len(l.queues[key])
		l.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests wait in %s, want %d", got, key, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// Requests waiting for one window leave in their order of arrival, and
// only the first of them looks for room (sets a timer): the others wait
// for it to leave. One that gives up lets the next take its turn.
func TestLimiterWaitersQueueInOrder(t *testing.T) {
	t.Parallel()
	specs := defaultLimitSpecs()
	specs.writeEndpoint = window{2, 10 * time.Second}
	l, fc := testLimiter(specs)
	take(t, l, http.MethodPost, "roles", 2)

	order := make(chan int, 4)
	tickets := make(chan *ticket, 4)
	cancels := make([]context.CancelFunc, 4)
	for i := range 4 {
		ctx, cancel := context.WithCancel(t.Context())
		cancels[i] = cancel
		go func() {
			tk, _, err := l.waitRequest(ctx, http.MethodPost, "roles")
			if err != nil {
				order <- -1 - i
				return
			}
			order <- i
			tickets <- tk
		}()
		queued(t, l, i+1)
	}
	defer func() {
		for _, c := range cancels {
			c()
		}
	}()
	if d := fc.waitArmed(t); d != 10*time.Second+margin {
		t.Fatalf("the first waiter waits %s, want %s", d, 10*time.Second+margin)
	}
	if n := len(fc.armed); n != 0 {
		t.Fatalf("%d more waiters set timers; only the first should", n)
	}
	// Both places free at once: the first two leave, in order.
	fc.Advance(10*time.Second + margin)
	for want := range 2 {
		if got := <-order; got != want {
			t.Fatalf("request %d left, want %d", got, want)
		}
	}
	queued(t, l, 2)
	// The third gives up: the fourth takes its turn when a place frees.
	cancels[2]()
	if got := <-order; got != -3 {
		t.Fatalf("got %d, want the third to give up", got)
	}
	queued(t, l, 1)
	l.done(<-tickets, nil)
	if d := fc.waitArmed(t); d != 10*time.Second+margin {
		t.Fatalf("the fourth waits %s, want %s", d, 10*time.Second+margin)
	}
	fc.Advance(10*time.Second + margin)
	if got := <-order; got != 3 {
		t.Fatalf("request %d left, want 3", got)
	}
	queued(t, l, 0)
}
