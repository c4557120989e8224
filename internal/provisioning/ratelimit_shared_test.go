package provisioning

import (
	"fmt"
	"hash/crc32"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Two limiters sharing a ledger directory behave as two processes: each
// holds its own file lock (flock excludes a second descriptor of the same
// process too) and sees only what the other wrote to the file. They share
// one fake clock, as processes share the machine's.

const testFlight = 30 * time.Second // a request's longest trip in these tests (flightSlack added)

func sharedLimiters(t *testing.T, n int) ([]*limiter, *fakeClock, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cache")
	fc := newFakeClock()
	var out []*limiter
	for range n {
		l := newLimiter(defaultLimitSpecs())
		l.clock = fc
		l.share(dir, "https://provisioning.example", "https://auth.example", testFlight)
		if l.shared.err != nil {
			t.Fatal(l.shared.err)
		}
		out = append(out, l)
	}
	return out, fc, dir
}

func ok200(h http.Header) *response { return &response{status: http.StatusOK, header: h} }

// The write window of one endpoint is shared: 30 writes by one process and
// 20 by another fill it, and the 51st (in either) waits until the first of
// all has left the window.
func TestSharedLedgerOneWindowForTwoProcesses(t *testing.T) {
	t.Parallel()
	ls, fc, _ := sharedLimiters(t, 2)
	a, b := ls[0], ls[1]
	take(t, a, http.MethodPost, "memberships", 30)
	fc.Advance(time.Second)
	take(t, b, http.MethodPost, "memberships", 20)
	for i, l := range ls {
		if d := l.next(http.MethodPost, "memberships"); d != 9*time.Second+margin {
			t.Fatalf("process %d: the 51st write waits %s, want %s (the first write's answer + 10 s + margin)", i, d, 9*time.Second+margin)
		}
	}
	// Other endpoints and reads are free.
	if d := b.next(http.MethodPost, "roles"); d != 0 {
		t.Fatalf("another endpoint waits %s", d)
	}
	if d := a.next(http.MethodGet, "memberships"); d != 0 {
		t.Fatalf("a read waits %s", d)
	}
	// Once a's first write has left the window, b can write again; the
	// next place is b's first write's.
	fc.Advance(9*time.Second + margin)
	take(t, b, http.MethodPost, "memberships", 30)
	if d := a.next(http.MethodPost, "memberships"); d != time.Second {
		t.Fatalf("after a's 30 left, the next waits %s, want 1s (b's first)", d)
	}
	// The overall write window (200 a minute) is the machine's too:
	// 80 so far, 120 more on three endpoints.
	take(t, a, http.MethodPost, "roles", 50)
	take(t, b, http.MethodPost, "permissions", 50)
	take(t, a, http.MethodPost, "api_credentials", 20)
	if d := b.next(http.MethodPost, "organizations"); d != 50*time.Second {
		t.Fatalf("the 201st write of the minute waits %s, want 50s (the first leaves at 60.2 s, it is 10.2 s)", d)
	}
}

// A waiter blocked by another process's requests on their way cannot be
// woken by their answers: it sleeps until the earliest those places can be
// free (a window from now, were they answered now), reads the ledger
// again, and then waits the window from their real answers. No polling.
func TestSharedLedgerWaiterLooksAgainWhenOthersCanHaveAnswered(t *testing.T) {
	t.Parallel()
	ls, fc, _ := sharedLimiters(t, 2)
	a, b := ls[0], ls[1]
	var tickets []*ticket
	for range 50 {
		tk, _, err := a.waitRequest(t.Context(), http.MethodPost, "memberships")
		if err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, tk)
	}
	if d, lower := b.nextPoll(http.MethodPost, "memberships"); !lower || d != 10*time.Second+margin {
		t.Fatalf("with 50 of another process on their way: wait %s (lower bound: %v); want at least the window from now", d, lower)
	}
	got := make(chan error, 1)
	go func() {
		tk, _, err := b.waitRequest(t.Context(), http.MethodPost, "memberships")
		b.done(tk, nil)
		got <- err
	}()
	if d := fc.waitArmed(t); d != 10*time.Second+margin {
		t.Fatalf("the waiter set a timer of %s, want the window", d)
	}
	fc.Advance(2 * time.Second)
	for _, tk := range tickets {
		a.done(tk, ok200(nil)) // answered 2 s after they left
	}
	fc.Advance(8*time.Second + margin)
	if d := fc.waitArmed(t); d != 2*time.Second {
		t.Fatalf("after reading the answers the waiter waits %s, want the 2 s until the first leaves", d)
	}
	select {
	case err := <-got:
		t.Fatalf("left before a place was free (%v)", err)
	default:
	}
	fc.Advance(2 * time.Second)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

// A process that dies with requests on its way (no answer ever recorded)
// holds their places no longer than a request can last: then they count as
// answered, and leave the window a window later.
func TestSharedLedgerCrashedProcessExpires(t *testing.T) {
	t.Parallel()
	ls, fc, _ := sharedLimiters(t, 2)
	crashed, b := ls[0], ls[1]
	for range 50 {
		if _, _, err := crashed.waitRequest(t.Context(), http.MethodPost, "memberships"); err != nil {
			t.Fatal(err)
		}
	}
	// The dead process's entries say when they end at the latest.
	fc.Advance(testFlight + flightSlack)
	if d, poll := b.nextPoll(http.MethodPost, "memberships"); poll || d != 10*time.Second+margin {
		t.Fatalf("past their latest answer the dead process's requests hold the window for %s (poll %v), want the window", d, poll)
	}
	fc.Advance(10*time.Second + margin)
	take(t, b, http.MethodPost, "memberships", 50)
}

// A 429 one process got (Retry-After) blocks that window for every process.
func TestSharedLedger429BlocksEveryProcess(t *testing.T) {
	t.Parallel()
	ls, fc, _ := sharedLimiters(t, 2)
	a, b := ls[0], ls[1]
	tk, _, err := a.waitRequest(t.Context(), http.MethodPost, "roles")
	if err != nil {
		t.Fatal(err)
	}
	a.done(tk, &response{status: http.StatusTooManyRequests, header: http.Header{"Retry-After": {"4"}}})
	if d := b.next(http.MethodPost, "roles"); d != 4*time.Second {
		t.Fatalf("the other process waits %s after a 429 with Retry-After 4", d)
	}
	if d := b.next(http.MethodPost, "memberships"); d != 0 {
		t.Fatalf("another endpoint waits %s", d)
	}
	fc.Advance(4 * time.Second)
	take(t, b, http.MethodPost, "roles", 49)
}

// X-Ratelimit-Remaining below what the machine's processes together count:
// clients elsewhere used the rest. The difference is recorded once, in the
// ledger: every process slows down to what remains, and a second process
// hearing the same number adds nothing (the budget is not taken twice).
func TestSharedLedgerRemainingFromElsewhereCountedOnce(t *testing.T) {
	t.Parallel()
	ls, _, dir := sharedLimiters(t, 2)
	a, b := ls[0], ls[1]
	h := http.Header{"X-Ratelimit-Limit": {"50"}, "X-Ratelimit-Interval": {"10"}, "X-Ratelimit-Remaining": {"30"}}
	take(t, a, http.MethodPost, "roles", 5)
	take(t, b, http.MethodPost, "roles", 4)
	// The 10th write: 10 used here, the API says 30 left: 10 went elsewhere.
	tk, _, err := b.waitRequest(t.Context(), http.MethodPost, "roles")
	if err != nil {
		t.Fatal(err)
	}
	b.done(tk, ok200(h))
	tk, _, err = a.waitRequest(t.Context(), http.MethodPost, "roles")
	if err != nil {
		t.Fatal(err)
	}
	a.done(tk, ok200(http.Header{"X-Ratelimit-Limit": {"50"}, "X-Ratelimit-Interval": {"10"}, "X-Ratelimit-Remaining": {"29"}}))
	// 11 here + 10 elsewhere = 21 of 50: 29 left for both.
	take(t, a, http.MethodPost, "roles", 15)
	take(t, b, http.MethodPost, "roles", 14)
	for i, l := range ls {
		if d := l.next(http.MethodPost, "roles"); d != 10*time.Second+margin {
			t.Fatalf("process %d: the write after the 50 waits %s", i, d)
		}
	}
	if n := countLedgerEntries(t, dir, "write:roles"); n != 50 {
		t.Fatalf("the ledger holds %d places in the roles window, want 50 (40 requests + 10 from elsewhere, once)", n)
	}
}

// A lower limit, or a window of its own, heard by one process holds for all.
func TestSharedLedgerHeaderWindowsHoldForAll(t *testing.T) {
	t.Parallel()
	t.Run("lower limit", func(t *testing.T) {
		t.Parallel()
		ls, _, _ := sharedLimiters(t, 2)
		a, b := ls[0], ls[1]
		tk, _, _ := a.waitRequest(t.Context(), http.MethodGet, "roles")
		a.done(tk, ok200(http.Header{"X-Ratelimit-Limit": {"20"}, "X-Ratelimit-Interval": {"10"}, "X-Ratelimit-Remaining": {"19"}}))
		take(t, b, http.MethodGet, "roles", 19)
		if d := b.next(http.MethodGet, "roles"); d != 10*time.Second+margin {
			t.Fatalf("the 21st read waits %s in the other process", d)
		}
	})
	t.Run("a window of its own", func(t *testing.T) {
		t.Parallel()
		ls, _, _ := sharedLimiters(t, 2)
		a, b := ls[0], ls[1]
		tk, _, _ := a.waitRequest(t.Context(), http.MethodPost, "roles")
		a.done(tk, ok200(http.Header{"X-Ratelimit-Limit": {"10"}, "X-Ratelimit-Interval": {"30"}, "X-Ratelimit-Remaining": {"9"}}))
		take(t, b, http.MethodPost, "memberships", 9)
		if d := b.next(http.MethodPost, "permissions"); d != 30*time.Second+margin {
			t.Fatalf("the 11th write in 30 s waits %s in the other process", d)
		}
	})
	t.Run("reset", func(t *testing.T) {
		t.Parallel()
		ls, _, _ := sharedLimiters(t, 2)
		a, b := ls[0], ls[1]
		tk, _, _ := a.waitRequest(t.Context(), http.MethodPost, "roles")
		a.done(tk, ok200(http.Header{"X-Ratelimit-Limit": {"50"}, "X-Ratelimit-Interval": {"10"},
			"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"15"}}))
		// None left: the window is full (10 s and the margin), and the
		// API says it has room again in 15 s.
		if d := b.next(http.MethodPost, "roles"); d != 15*time.Second {
			t.Fatalf("none remaining until the reset: the other process waits %s", d)
		}
		if d := a.next(http.MethodPost, "roles"); d != 15*time.Second {
			t.Fatalf("none remaining until the reset: this process waits %s", d)
		}
	})
}

// Tokens: the token endpoint's window (30 a minute) is the machine's.
func TestSharedLedgerTokenWindow(t *testing.T) {
	t.Parallel()
	ls, fc, _ := sharedLimiters(t, 3)
	for i := range 30 {
		tk, d, err := ls[i%3].waitToken(t.Context())
		if err != nil || d != 0 {
			t.Fatal(d, err)
		}
		ls[i%3].done(tk, ok200(nil))
	}
	got := make(chan error, 1)
	go func() {
		tk, _, err := ls[1].waitToken(t.Context())
		ls[1].done(tk, nil)
		got <- err
	}()
	if d := fc.waitArmed(t); d != time.Minute+margin {
		t.Fatalf("the machine's 31st token request waits %s", d)
	}
	fc.Advance(time.Minute + margin)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

// The ledger stays small: what left every window is dropped when a process
// writes it back.
func TestSharedLedgerBounded(t *testing.T) {
	t.Parallel()
	ls, fc, dir := sharedLimiters(t, 2)
	for round := range 4 {
		take(t, ls[round%2], http.MethodPost, "memberships", 50)
		fc.Advance(10*time.Second + margin)
	}
	fc.Advance(time.Minute)
	take(t, ls[0], http.MethodGet, "roles", 1)
	if n := countLedgerEntries(t, dir, ""); n != 1 {
		t.Fatalf("the ledger holds %d entries a minute after 200 writes, want 1 (the read just made)", n)
	}
	st := parseLedger(mustRead(t, ledgerPath(t, dir)))
	st.entries = make([]*ledgerEntry, 0, 2*maxLedgerEntries)
	for i := range 2 * maxLedgerEntries {
		st.entries = append(st.entries, &ledgerEntry{owner: "x", end: fc.Now().Add(time.Duration(i) * time.Microsecond), keys: []string{"read"}})
	}
	st.prune(fc.Now(), time.Minute)
	if len(st.entries) != maxLedgerEntries || !st.entries[0].end.Equal(fc.Now().Add(maxLedgerEntries*time.Microsecond)) {
		t.Fatalf("capped to %d entries starting %s; want the newest %d", len(st.entries), st.entries[0].end, maxLedgerEntries)
	}
}

// A corrupt or foreign file is ignored and rewritten; a bad line is skipped.
func TestSharedLedgerCorruptFile(t *testing.T) {
	t.Parallel()
	for name, content := range map[string]string{
		"garbage":        "\x00\x01not a ledger at all\n",
		"another format": "clprovisioning rate ledger 9\ne x 99999999999999 d write:roles\n",
		"no length":      ledgerHeader + "\ne abc 17487 d write\n",
		"cut short":      ledgerFile("e abc 99999999999999 d write:roles\ne abc 99999999999999 d write:roles\n")[:60],
		"wrong checksum": strings.Replace(ledgerFile("e abc 99999999999999 d write:roles\n"), "e abc", "e abd", 1),
		"bad lines":      ledgerFile("e a\nb x y z\nw 1 2 3 4 5 6 7\ne o notanumber d write\ne o 1 q write\nx\n\n"),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ls, _, dir := sharedLimiters(t, 1)
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(ledgerPath(t, dir), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			take(t, ls[0], http.MethodPost, "roles", 50)
			if d := ls[0].next(http.MethodPost, "roles"); d != 10*time.Second+margin {
				t.Fatalf("the 51st waits %s", d)
			}
			if st := parseLedger(mustRead(t, ledgerPath(t, dir))); len(st.entries) != 50 {
				t.Fatalf("the ledger was not rewritten: %d entries", len(st.entries))
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		t.Parallel()
		ls, _, dir := sharedLimiters(t, 1)
		big := ledgerFile(strings.Repeat("e o 1 d write\n", maxLedgerBytes/10))
		if err := os.WriteFile(ledgerPath(t, dir), []byte(big), 0o600); err != nil {
			t.Fatal(err)
		}
		take(t, ls[0], http.MethodPost, "roles", 50)
		if fi, err := os.Stat(ledgerPath(t, dir)); err != nil || fi.Size() > 64<<10 {
			t.Fatalf("the ledger was not rebuilt small: %v %v", fi.Size(), err)
		}
	})
}

// A lock held too long (a stopped process) does not stop the others: they
// count alone until it is free again.
func TestSharedLedgerLockHeldTooLong(t *testing.T) {
	t.Parallel()
	ls, _, dir := sharedLimiters(t, 1)
	ls[0].shared.ledger.wait = 20 * time.Millisecond
	stuck := newFileLock(ledgerPath(t, dir) + ".lock")
	if err := stuck.lock(t.Context(), time.Second); err != nil {
		t.Fatal(err)
	}
	take(t, ls[0], http.MethodPost, "roles", 50) // each waits 20 ms for the lock (and its answer too), then goes on
	if ls[0].shared.err != errLockTimeout {
		t.Fatalf("err = %v", ls[0].shared.err)
	}
	if d := ls[0].next(http.MethodPost, "roles"); d != 10*time.Second+margin {
		t.Fatalf("alone, the limiter still counts its own: the 51st waits %s", d)
	}
	stuck.unlock()
	// The lock is free: taken. The waits given up above still queue for it
	// and take it in turn as soon as they get it; on a busy machine they
	// can outlast one request's wait, so a few requests are allowed.
	for range 20 {
		take(t, ls[0], http.MethodPost, "memberships", 1)
		if _, err := os.Stat(ledgerPath(t, dir)); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := countLedgerEntries(t, dir, "write:roles"); n != 50 {
		t.Fatalf("once the lock is free the ledger gets this process's 50 writes; it has %d", n)
	}
}

// Files: user-only, named by hashes only.
func TestSharedLedgerFiles(t *testing.T) {
	t.Parallel()
	ls, _, dir := sharedLimiters(t, 1)
	take(t, ls[0], http.MethodPost, "roles", 1)
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("directory mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		info, _ := e.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
		if strings.Contains(e.Name(), "example") {
			t.Errorf("%s names the host", e.Name())
		}
	}
	if len(names) != 2 {
		t.Fatalf("files %v, want the ledger and its lock", names)
	}
}

// ledgerFile is a ledger file of these records, with its header.
func ledgerFile(records string) string {
	return fmt.Sprintf("%s %d %08x\n%s", ledgerHeader, len(records), crc32.Checksum([]byte(records), crc32c), records)
}

func ledgerPath(t *testing.T, dir string) string {
	t.Helper()
	return filepath.Join(dir, sharedName("ratelimit-", "https://provisioning.example", "https://auth.example"))
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// countLedgerEntries counts the entries counting in key ("": all).
func countLedgerEntries(t *testing.T, dir, key string) int {
	t.Helper()
	st := parseLedger(mustRead(t, ledgerPath(t, dir)))
	n := 0
	for _, e := range st.entries {
		for _, k := range e.keys {
			if key == "" || k == key {
				n++
				break
			}
		}
	}
	return n
}

func TestSharedCacheDirFromEnv(t *testing.T) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = ""
	}
	for _, c := range []struct {
		mode, dir, api string
		want           string
		err            bool
	}{
		{"", "", "", filepath.Join(base, "clprovisioning"), false},
		{"auto", "", "https://provisioning.commercelayer.io", filepath.Join(base, "clprovisioning"), false},
		{"", "", "http://127.0.0.1:8080", "", false},
		{"", "", "http://localhost:8080", "", false},
		{"on", "", "http://127.0.0.1:8080", filepath.Join(base, "clprovisioning"), false},
		{"off", "", "", "", false},
		{"OFF", "/tmp/x", "", "", false},
		{"on", "/tmp/x", "", "/tmp/x", false},
		{"", "/tmp/y", "", "/tmp/y", false},
		{"maybe", "", "", "", true},
	} {
		t.Setenv(EnvSharedCache, c.mode)
		t.Setenv(EnvCacheDir, c.dir)
		got, err := SharedCacheDirFromEnv(c.api)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("%s=%q %s=%q api %q: %q, %v; want %q (error %v)", EnvSharedCache, c.mode, EnvCacheDir, c.dir, c.api, got, err, c.want, c.err)
		}
	}
}

func TestLedgerEncodeParse(t *testing.T) {
	t.Parallel()
	now := time.UnixMilli(1_750_000_000_123)
	st := &ledgerState{
		entries: []*ledgerEntry{
			{owner: "aa", end: now, keys: []string{"write", "write:roles"}},
			{owner: "bb", end: now.Add(time.Minute), flying: true, keys: []string{"token"}},
		},
		blocks:  []ledgerBlock{{owner: "aa", key: "write:roles", until: now.Add(3 * time.Second)}},
		windows: []ledgerWindow{{owner: "bb", until: now.Add(ledgerWindowTTL), class: "read", key: "read:30s", n: 10, per: 30 * time.Second}},
	}
	got := parseLedger(st.encode(nil))
	if len(got.entries) != 2 || len(got.blocks) != 1 || len(got.windows) != 1 {
		t.Fatalf("parsed %+v", got)
	}
	e := got.entries[1]
	if e.owner != "bb" || !e.flying || !e.end.Equal(now.Add(time.Minute)) || strings.Join(got.entries[0].keys, ",") != "write,write:roles" {
		t.Fatalf("entries %+v %+v", got.entries[0], e)
	}
	if w := got.windows[0]; w != st.windows[0] {
		t.Fatalf("window %+v, want %+v", w, st.windows[0])
	}
	// A time is rounded up to the millisecond, never down.
	if ms := unixMilliCeil(now.Add(time.Microsecond)); ms != now.UnixMilli()+1 {
		t.Fatalf("ceil %d", ms)
	}
	// Entries from an impossible future (a clock set back) are dropped.
	st.entries = append(st.entries, &ledgerEntry{owner: "cc", end: now.Add(48 * time.Hour), keys: []string{"read"}})
	st.prune(now, time.Minute)
	if len(st.entries) != 2 {
		t.Fatalf("%d entries after pruning, want 2", len(st.entries))
	}
}
