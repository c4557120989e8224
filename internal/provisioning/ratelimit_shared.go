package provisioning

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// sharedLimits is a limiter's part in the machine's rate ledger (ledger.go):
// its own records, which it alone writes, and the other processes' as last
// read. Each decision reads the ledger under its lock, counts the others'
// places beside its own in every window, and writes the ledger back when it
// took a place or gave one back; so N processes together keep under the
// limits one process keeps under alone.
type sharedLimits struct {
	ledger *ledger // nil: the ledger could not be opened (err says why)
	owner  string
	flight time.Duration // the longest a request can be on its way

	mine    []*ledgerEntry          // this client's requests still in a window
	windows map[string]ledgerWindow // windows this client heard of, by key

	others  *ledgerState           // the others' records, as last read
	foreign map[string]*foreignLog // the same, by window key

	err    error // the last failure to use the ledger
	logged bool  // a failure was logged (once per client)
}

// foreignLog is what the other processes hold in one window.
type foreignLog struct {
	done    []time.Time // answer times, sorted
	flying  int         // requests on their way (each in the window until answered, and a window after)
	blocked time.Time   // a 429 blocked the window until then
	n       int         // the lowest limit the API's headers gave them (0: none)
}

// share makes the limiter count with the other processes that use the
// ledger in dir. flight is the longest a request can be on its way.
func (l *limiter) share(dir, apiBase, authBase string, flight time.Duration) {
	sh := &sharedLimits{owner: newOwnerID(), flight: flight + flightSlack, windows: map[string]ledgerWindow{}}
	sh.ledger, sh.err = openLedger(dir, apiBase, authBase)
	l.mu.Lock()
	l.shared = sh
	l.mu.Unlock()
}

func newOwnerID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// sync reads the ledger and keeps the others' records; true: it did, and
// the ledger's lock is held until publish or unlock. l.mu is held.
func (l *limiter) sync(ctx context.Context, now time.Time) bool {
	sh := l.shared
	if sh == nil {
		return false
	}
	if sh.ledger == nil {
		return false
	}
	st, err := sh.ledger.read(ctx, now, l.keep())
	if err != nil {
		sh.err = err
		return false
	}
	others := &ledgerState{}
	foreign := map[string]*foreignLog{}
	get := func(k string) *foreignLog {
		f := foreign[k]
		if f == nil {
			f = &foreignLog{}
			foreign[k] = f
		}
		return f
	}
	for _, e := range st.entries {
		if e.owner == sh.owner {
			continue
		}
		others.entries = append(others.entries, e)
		for _, k := range e.keys {
			f := get(k)
			if e.flying {
				f.flying++
			} else {
				f.done = append(f.done, e.end)
			}
		}
	}
	for _, f := range foreign {
		slices.SortFunc(f.done, func(a, b time.Time) int { return a.Compare(b) })
	}
	for _, b := range st.blocks {
		if b.owner == sh.owner {
			continue
		}
		others.blocks = append(others.blocks, b)
		f := get(b.key)
		f.blocked = laterOf(f.blocked, b.until)
	}
	for _, w := range st.windows {
		if w.owner == sh.owner {
			continue
		}
		others.windows = append(others.windows, w)
		f := get(w.key)
		if f.n == 0 || w.n < f.n {
			f.n = w.n
		}
		// A window of its own another process heard of: every request of
		// its class counts in it here too.
		if isExtraKey(w.class, w.key) && l.m[w.key] == nil {
			l.log(w.key, window{w.n, w.per})
			l.extra[w.class] = append(l.extra[w.class], w.key)
		}
	}
	sh.others, sh.foreign = others, foreign
	return true
}

// warnShared logs, once per client, that the ledger could not be used (the
// client then counts its own requests, as without one). l.mu is held.
func (l *limiter) warnShared(ctx context.Context) {
	if sh := l.shared; sh != nil && sh.err != nil && !sh.logged {
		sh.logged = true
		tflog.Warn(ctx, "Provisioning API rate ledger shared by this machine's processes is not available; this process counts its own requests only",
			map[string]any{"error": sh.err.Error()})
	}
}

// isExtraKey: a key observe makes for a window only the headers describe
// ("write:30s").
func isExtraKey(class, key string) bool {
	rest, ok := strings.CutPrefix(key, class+":")
	if !ok {
		return false
	}
	num, ok := strings.CutSuffix(rest, "s")
	if !ok {
		return false
	}
	_, err := strconv.ParseFloat(num, 64)
	return err == nil
}

// publish writes the ledger back: the others' records as read, this
// client's from memory; then releases the lock. l.mu is held.
func (l *limiter) publish(now time.Time) {
	sh := l.shared
	defer sh.ledger.release()
	keep := l.keep()
	sh.mine = slices.DeleteFunc(sh.mine, func(e *ledgerEntry) bool {
		return !e.flying && !now.Before(e.end.Add(keep))
	})
	st := &ledgerState{
		entries: append(slices.Clip(sh.others.entries), sh.mine...),
		blocks:  slices.Clip(sh.others.blocks),
		windows: slices.Clip(sh.others.windows),
	}
	for _, s := range l.m {
		if now.Before(s.blockedUntil) {
			st.blocks = append(st.blocks, ledgerBlock{owner: sh.owner, key: ledgerKey(s.key), until: s.blockedUntil})
		}
	}
	for k, w := range sh.windows {
		if !now.Before(w.until) {
			delete(sh.windows, k)
			continue
		}
		st.windows = append(st.windows, w)
	}
	st.prune(now, keep)
	if err := sh.ledger.write(st); err != nil {
		sh.err = err
	}
}

// keep is how long a request stays in the ledger after its answer: the
// longest window and the margin. l.mu is held.
func (l *limiter) keep() time.Duration {
	longest := max(l.specs.readAll.per, l.specs.writeAll.per, l.specs.token.per,
		l.specs.readEndpoint.per, l.specs.writeEndpoint.per)
	for _, s := range l.m {
		longest = max(longest, s.w.per)
	}
	return longest + l.specs.margin
}

func (l *limiter) foreignOf(s *slidingLog) *foreignLog {
	if l.shared == nil {
		return nil
	}
	return l.shared.foreign[ledgerKey(s.key)]
}

// limit is a window's size: the lowest this process or another heard of.
func (l *limiter) limit(s *slidingLog) int {
	if f := l.foreignOf(s); f != nil && f.n > 0 && f.n < s.w.n {
		return f.n
	}
	return s.w.n
}

// othersIn: the others' answer times still inside s's window, sorted.
func (l *limiter) othersIn(s *slidingLog, now time.Time) []time.Time {
	f := l.foreignOf(s)
	if f == nil {
		return nil
	}
	edge := now.Add(-(s.w.per + l.specs.margin))
	i, _ := slices.BinarySearchFunc(f.done, edge, func(a, b time.Time) int {
		if a.After(b) {
			return 1
		}
		return -1 // the first answer after the edge; one at the edge has left
	})
	return f.done[i:]
}

// used counts the places taken in s's window, by this client and (with a
// ledger) every other. s is pruned.
func (l *limiter) used(s *slidingLog, now time.Time) int {
	n := len(s.done) + s.inflight + len(l.othersIn(s, now))
	if f := l.foreignOf(s); f != nil {
		n += f.flying
	}
	return n
}

// addPlace counts a request that is not this client's in s, as answered now
// (what the API's headers say others used), in the ledger too.
func (l *limiter) addPlace(s *slidingLog, now time.Time) {
	s.add(now)
	if sh := l.shared; sh != nil {
		sh.mine = append(sh.mine, &ledgerEntry{owner: sh.owner, end: now, keys: []string{ledgerKey(s.key)}})
	}
}

// room returns how long until one more request fits s (0: now); untilAnswer:
// only an answer to one of this client's requests on their way can make
// room. With a ledger, other processes' requests on their way may be what
// stands in the way: their answers wake no one here, and a place they hold
// is free a window after an answer that has not come yet, so d is then a
// lower bound (lower: true), the earliest that place can be free (answered
// now, it would leave a window from now); the waiter looks again then. l.mu
// is held.
func (l *limiter) room(s *slidingLog, now time.Time) (d time.Duration, untilAnswer, lower bool) {
	f := l.foreignOf(s)
	if f == nil {
		d, untilAnswer = s.wait(now, l.specs.margin)
		return d, untilAnswer, false
	}
	s.prune(now, l.specs.margin)
	if blocked := laterOf(s.blockedUntil, f.blocked); now.Before(blocked) {
		d = blocked.Sub(now)
	}
	others := l.othersIn(s, now)
	done := len(s.done) + len(others)
	used := done + s.inflight + f.flying
	n := l.limit(s)
	if used < n {
		return d, false, false
	}
	// Places free in the order of the answers: those given (exactly), then
	// the others' on their way (not before a window from now), then this
	// client's own (whose answers wake the waiter).
	switch leave := used - n + 1; {
	case leave <= done:
		t := kthOfMerged(s.done, others, leave-1)
		return max(d, t.Add(s.w.per+l.specs.margin).Sub(now)), false, false
	case leave <= done+f.flying:
		return max(d, s.w.per+l.specs.margin), false, true
	case f.flying > 0:
		// This client's answers wake the waiter; should the others'
		// answers come first, their places are free a window from now.
		return max(d, s.w.per+l.specs.margin), true, true
	default:
		return d, true, false
	}
}

// kthOfMerged is the k-th (from 0) smallest of two sorted lists together.
func kthOfMerged(a, b []time.Time, k int) time.Time {
	i, j := 0, 0
	for {
		switch {
		case i == len(a):
			return b[j+k]
		case j == len(b):
			return a[i+k]
		}
		var t time.Time
		if a[i].After(b[j]) {
			t = b[j]
			j++
		} else {
			t = a[i]
			i++
		}
		if k == 0 {
			return t
		}
		k--
	}
}
