package provisioning

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The published limits are sliding windows per IP: GET 1000/min overall and
// 250 per 10 s per endpoint; writes (POST, PATCH, DELETE) 200/min overall and
// 50 per 10 s per endpoint; the token endpoint 30/min. The limiter models
// each of them exactly, as a log of the requests inside the window: a burst
// of 50 writes to one endpoint leaves at once, the 51st when the first has
// left the window.
//
// A request occupies its place in a window from the moment it leaves until
// margin after its answer came back: the API counted it at some moment in
// between, so however long the request travelled, the place is free on the
// API's side too when it is free here. The margin covers the API's own
// reading of the window's edges and the clocks' drift; it does not need to
// cover network latency. A 429 that still comes (another client on the same
// IP) blocks that endpoint's class until its Retry-After, and
// X-Ratelimit-Limit / -Interval / -Remaining headers, when the API sends
// them, tighten the window they describe.
//
// No library fits: golang.org/x/time/rate (used before) is a token bucket,
// which either admits more than a window allows or, kept under it, turns a
// 50-request window into a trickle (100 writes took 23 s instead of 10); the
// Go sliding-window packages approximate the window with two counters and
// have no blocking wait, no injectable clock and no way to take one place
// in two windows (endpoint and overall) at once.

// window: at most n requests in any period of length per.
type window struct {
	n   int
	per time.Duration
}

// limitSpecs are the windows the limiter enforces; tests swap them
// (limiter.setSpecs).
type limitSpecs struct {
	readAll, readEndpoint   window
	writeAll, writeEndpoint window
	token                   window
	// margin is added to every window (see above).
	margin time.Duration
}

// defaultMargin: a place in a window is free again this long after the
// window, counted from the answer.
const defaultMargin = 200 * time.Millisecond

func defaultLimitSpecs() limitSpecs {
	return limitSpecs{
		readAll:       window{1000, time.Minute},
		readEndpoint:  window{250, 10 * time.Second},
		writeAll:      window{200, time.Minute},
		writeEndpoint: window{50, 10 * time.Second},
		token:         window{30, time.Minute},
		margin:        defaultMargin,
	}
}

// clock is the limiter's time: the real one, or a fake in tests.
type clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed, and a stop
	// function.
	After(d time.Duration) (<-chan time.Time, func())
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) After(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}

// slidingLog is one window's log: the answer times of the requests still
// inside it (sorted), the requests on their way, and a block set by a 429.
type slidingLog struct {
	key          string
	w            window
	done         []time.Time
	inflight     int
	blockedUntil time.Time
}

// prune forgets the requests that have left the window.
func (s *slidingLog) prune(now time.Time, margin time.Duration) {
	i := 0
	for i < len(s.done) && !now.Before(s.done[i].Add(s.w.per+margin)) {
		i++
	}
	s.done = slices.Delete(s.done, 0, i)
}

// wait returns how long until one more request fits (0: now); untilAnswer
// means that only an answer to a request on its way can make room.
func (s *slidingLog) wait(now time.Time, margin time.Duration) (d time.Duration, untilAnswer bool) {
	s.prune(now, margin)
	if now.Before(s.blockedUntil) {
		d = s.blockedUntil.Sub(now)
	}
	used := len(s.done) + s.inflight
	if used < s.w.n {
		return d, false
	}
	leave := used - s.w.n + 1 // how many must leave the window first
	if leave > len(s.done) {
		return d, true
	}
	return max(d, s.done[leave-1].Add(s.w.per+margin).Sub(now)), false
}

func (s *slidingLog) add(t time.Time) {
	i, _ := slices.BinarySearchFunc(s.done, t, func(a, b time.Time) int { return a.Compare(b) })
	s.done = slices.Insert(s.done, i, t)
}

// limiter holds the sliding logs, keyed "read", "write", "token",
// "read:<endpoint>", "write:<endpoint>" and, for windows only the API's
// headers describe, "read:<n>s" / "write:<n>s". A nil *limiter never waits
// (Config.DisableRateLimit). With a shared ledger (Config.SharedCacheDir),
// the logs hold this client's own requests and the ledger the other
// processes' (sharedLimits, below).
type limiter struct {
	clock clock

	mu      sync.Mutex
	specs   limitSpecs
	m       map[string]*slidingLog
	extra   map[string][]string // class -> keys of header-described windows
	changed chan struct{}       // closed (and replaced) when room may have appeared
	shared  *sharedLimits       // nil: this client counts alone
	// queues holds the waiters of each class and endpoint in their order
	// of arrival (see acquire).
	queues map[string][]*waiter
}

// waiter is one request's place in its queue (not empty: two must differ).
type waiter struct{ _ byte }

func newLimiter(specs limitSpecs) *limiter {
	return &limiter{clock: realClock{}, specs: specs, m: map[string]*slidingLog{},
		extra: map[string][]string{}, changed: make(chan struct{}), queues: map[string][]*waiter{}}
}

// setSpecs swaps the windows in place and forgets what was logged (a test
// hook: every holder of this limiter, the token transport too, sees them).
func (l *limiter) setSpecs(specs limitSpecs) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.specs = specs
	l.m = map[string]*slidingLog{}
	l.extra = map[string][]string{}
	if l.shared != nil {
		l.shared.mine, l.shared.windows = nil, map[string]ledgerWindow{}
	}
	l.notify()
}

// notify wakes the waiters; l.mu is held.
func (l *limiter) notify() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// log returns the log of a key, made with w when new; l.mu is held.
func (l *limiter) log(key string, w window) *slidingLog {
	s, ok := l.m[key]
	if !ok {
		s = &slidingLog{key: key, w: w}
		l.m[key] = s
	}
	return s
}

// requestClass is "read" for GET and HEAD, "write" for everything else.
func requestClass(method string) string {
	if method == http.MethodGet || method == http.MethodHead {
		return "read"
	}
	return "write"
}

// keys returns the logs a request of this class to this endpoint takes a
// place in; l.mu is held.
func (l *limiter) keys(class, endpoint string) []*slidingLog {
	if class == "token" {
		out := []*slidingLog{l.log("token", l.specs.token)}
		for _, k := range l.extra[class] {
			out = append(out, l.m[k])
		}
		return out
	}
	all, ep := l.specs.readAll, l.specs.readEndpoint
	if class == "write" {
		all, ep = l.specs.writeAll, l.specs.writeEndpoint
	}
	out := []*slidingLog{l.log(class+":"+endpoint, ep), l.log(class, all)}
	for _, k := range l.extra[class] {
		out = append(out, l.m[k])
	}
	return out
}

// ticket is the place a request holds; done gives it back.
type ticket struct {
	class, endpoint string
	logs            []*slidingLog
	entry           *ledgerEntry // its record in the shared ledger, if any
}

// waitRequest blocks until a request of this method to this endpoint (the
// first path segment after /api, e.g. "roles") fits every window it counts
// in, and takes its place there. It returns how long it waited. The caller
// must hand the ticket back with done once the answer came (or did not).
func (l *limiter) waitRequest(ctx context.Context, method, endpoint string) (*ticket, time.Duration, error) {
	return l.place(ctx, requestClass(method), endpoint)
}

// waitToken blocks until a token request fits the token endpoint's window;
// the ticket goes back with done, as a request's.
func (l *limiter) waitToken(ctx context.Context) (*ticket, time.Duration, error) {
	return l.place(ctx, "token", "")
}

func (l *limiter) place(ctx context.Context, class, endpoint string) (*ticket, time.Duration, error) {
	if l == nil {
		return nil, 0, nil
	}
	t := &ticket{class: class, endpoint: endpoint}
	waited, err := l.acquire(ctx, class+":"+endpoint, func() []*slidingLog { return l.keys(t.class, t.endpoint) }, func(logs []*slidingLog, now time.Time) {
		for _, s := range logs {
			s.inflight++
		}
		t.logs = logs
		if sh := l.shared; sh != nil {
			keys := make([]string, len(logs))
			for i, s := range logs {
				keys[i] = ledgerKey(s.key)
			}
			t.entry = &ledgerEntry{owner: sh.owner, end: now.Add(sh.flight), flying: true, keys: keys}
			sh.mine = append(sh.mine, t.entry)
		}
	})
	if err != nil {
		return nil, waited, err
	}
	return t, waited, nil
}

// acquire waits until every log that logs() returns has room, then calls
// take under the lock.
//
// The requests of one queue (a class and endpoint: they count in the same
// windows, so none can leave before the one ahead of it) wait in their
// order of arrival, and only the first looks for room: the others wait for
// it to leave. Without the queue every waiter woke at each answer and each
// place freed, read the ledger under its lock and went back to sleep: with
// four processes of ten requests each, forty ledger reads for each place,
// which on a busy machine made the next places leave late.
func (l *limiter) acquire(ctx context.Context, queue string, logs func() []*slidingLog, take func([]*slidingLog, time.Time)) (time.Duration, error) {
	start := l.clock.Now()
	me := &waiter{}
	l.mu.Lock()
	l.queues[queue] = append(l.queues[queue], me)
	l.mu.Unlock()
	for {
		l.mu.Lock()
		if q := l.queues[queue]; q[0] != me {
			changed := l.changed
			l.mu.Unlock()
			select {
			case <-changed:
				continue
			case <-ctx.Done():
				l.leave(queue, me)
				return l.clock.Now().Sub(start), ctx.Err()
			}
		}
		now := l.clock.Now()
		l.warnShared(ctx)
		synced := l.sync(ctx, now)
		ls := logs()
		// Room appears when a window moves on (wait > 0) or an answer
		// comes (changed); a request that found room takes it at once.
		// Other processes' answers wake no one here: where theirs on the
		// way stand in the way, wait is the earliest they can make room,
		// and the ledger is read again then.
		var wait time.Duration
		untilAnswer := false
		for _, s := range ls {
			d, u, _ := l.room(s, now)
			wait, untilAnswer = max(wait, d), untilAnswer || u
		}
		if wait == 0 && !untilAnswer {
			take(ls, now)
			if synced {
				l.publish(now)
			}
			l.dequeue(queue, me)
			l.mu.Unlock()
			return now.Sub(start), nil
		}
		if synced {
			l.shared.ledger.release()
		}
		changed := l.changed
		l.mu.Unlock()
		var timer <-chan time.Time
		stop := func() {}
		if wait > 0 {
			timer, stop = l.clock.After(wait)
		}
		select {
		case <-timer:
		case <-changed:
		case <-ctx.Done():
			stop()
			l.leave(queue, me)
			return l.clock.Now().Sub(start), ctx.Err()
		}
		stop()
	}
}

// dequeue takes w out of its queue and wakes the waiters, the next in the
// queue among them; l.mu is held.
func (l *limiter) dequeue(queue string, w *waiter) {
	q := slices.DeleteFunc(l.queues[queue], func(x *waiter) bool { return x == w })
	if len(q) == 0 {
		delete(l.queues, queue)
	} else {
		l.queues[queue] = q
	}
	l.notify()
}

// leave is dequeue for a waiter that gave up.
func (l *limiter) leave(queue string, w *waiter) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.dequeue(queue, w)
}

// done gives back a request's place: it stays in its windows, counted from
// now. res, the answer if one came, informs the limiter: a 429 with
// Retry-After blocks the endpoint's class until then, and X-Ratelimit-*
// headers tighten the window they describe.
func (l *limiter) done(t *ticket, res *response) {
	if l == nil || t == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	// The ledger is read first, so that the headers are set against every
	// process's count.
	synced := l.sync(context.Background(), now)
	if res != nil {
		l.observe(t, res.header, now)
		if res.status == http.StatusTooManyRequests {
			if d, ok := parseRetryAfter(res.header.Get("Retry-After"), now); ok && d > 0 {
				t.logs[0].blockedUntil = laterOf(t.logs[0].blockedUntil, now.Add(d))
			}
		}
	}
	for _, s := range t.logs {
		s.inflight--
		s.add(now)
	}
	if t.entry != nil {
		t.entry.end, t.entry.flying = now, false
	}
	if synced {
		l.publish(now)
	}
	l.notify()
}

// blockToken: the token endpoint answered 429 with Retry-After d.
func (l *limiter) blockToken(d time.Duration) {
	if l == nil || d <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	synced := l.sync(context.Background(), now)
	s := l.log("token", l.specs.token)
	s.blockedUntil = laterOf(s.blockedUntil, now.Add(d))
	if synced {
		l.publish(now)
	}
	l.notify()
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// observe reads X-Ratelimit-Limit (requests), X-Ratelimit-Interval (seconds)
// and X-Ratelimit-Remaining, as Commerce Layer's Core API clients read them.
// They describe one window of the request's class: the endpoint's when the
// interval is the endpoint window's, the overall one when it is that one's,
// otherwise a window of its own that every request of the class then counts
// in. A lower limit than the published one lowers the window's; fewer
// remaining than this client's own count means another client on the same
// IP used the rest: its requests are logged as answered now. Headers never
// loosen a window. l.mu is held.
func (l *limiter) observe(t *ticket, h http.Header, now time.Time) {
	limit, errL := strconv.Atoi(strings.TrimSpace(h.Get("X-Ratelimit-Limit")))
	secs, errI := strconv.ParseFloat(strings.TrimSpace(h.Get("X-Ratelimit-Interval")), 64)
	if errL != nil || errI != nil || limit <= 0 || secs <= 0 || secs > 24*3600 {
		return
	}
	interval := time.Duration(secs * float64(time.Second))
	var s *slidingLog
	for _, c := range t.logs {
		if c.w.per == interval {
			s = c
			break
		}
	}
	if s == nil {
		key := t.class + ":" + strconv.FormatFloat(secs, 'f', -1, 64) + "s"
		s = l.log(key, window{limit, interval})
		if !slices.Contains(l.extra[t.class], key) {
			l.extra[t.class] = append(l.extra[t.class], key)
		}
		// This request counted in the window too.
		l.addPlace(s, now)
	}
	s.w.n = min(s.w.n, limit)
	if sh := l.shared; sh != nil {
		sh.windows[s.key] = ledgerWindow{owner: sh.owner, until: now.Add(ledgerWindowTTL), class: t.class,
			key: ledgerKey(s.key), n: s.w.n, per: s.w.per}
	}
	remaining, err := strconv.Atoi(strings.TrimSpace(h.Get("X-Ratelimit-Remaining")))
	if err != nil || remaining < 0 {
		return
	}
	// Fewer remaining than counted here (by every process of this machine,
	// with a shared ledger): the rest went to clients elsewhere, and the
	// places they took are counted once, in the ledger, for every process.
	s.prune(now, l.specs.margin)
	for mine := l.limit(s) - l.used(s, now); mine > remaining; mine-- {
		l.addPlace(s, now)
	}
	if reset, ok := parseReset(h.Get("X-Ratelimit-Reset"), now); ok && remaining == 0 {
		s.blockedUntil = laterOf(s.blockedUntil, reset)
	}
}

// parseReset reads X-Ratelimit-Reset, when sent: when the window has room
// again, as seconds from now or as a Unix time (seconds).
func parseReset(v string, now time.Time) (time.Time, bool) {
	n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	var at time.Time
	if n > 1e9 {
		at = time.Unix(0, int64(n*1e9))
	} else {
		at = now.Add(time.Duration(n * float64(time.Second)))
	}
	if !at.After(now) || at.After(now.Add(time.Hour)) {
		return time.Time{}, false
	}
	return at, true
}
