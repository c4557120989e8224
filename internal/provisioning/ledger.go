package provisioning

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The rate ledger: one file per API (ratelimit-<hash>, see shared.go) in
// which every process of the machine records the places it holds in the
// limiter's windows, so that together they stay under the published limits.
// A process reads it, decides and writes it back while holding the lock
// beside it (ratelimit-<hash>.lock); the sections are short (read, parse,
// decide, write it back in place).
//
// The file is text, one record a line, after a header line that gives the
// length of the records and their CRC-32C (so that a file cut short by a
// process killed while writing it is recognised, and ignored):
//
//	clprovisioning rate ledger 1 <length> <crc32c hex>
//	e <owner> <end ms> f|d <key>[,<key>...]   a request: the windows it counts in
//	b <owner> <until ms> <key>                a window blocked by a 429's Retry-After
//	w <owner> <until ms> <class> <key> <n> <per ms>
//	                                          a window the API's headers described (a
//	                                          lower limit, or a window of its own)
//
// Times are Unix milliseconds. An owner is one client (a random id). A
// request's end is its answer ("d", done); while it is on its way ("f",
// flying) it is the latest its answer can come (sent + the request timeout +
// slack), so that a process that dies with requests on their way holds
// their places no longer than a request could have lasted: a flying entry
// past its end counts as answered then. Keys are the limiter's ("write",
// "write:memberships", "token", "read:30s").
//
// What keeps it small and sound: an entry leaves once it has left the
// longest window (a minute and the margin); blocks and windows carry their
// own expiry (a window heard of is kept 10 minutes after it was last
// heard); at most maxLedgerEntries entries are kept (the oldest go first);
// a file whose header does not match its content, or larger than
// maxLedgerBytes, is ignored and rewritten; a line that does not parse is
// skipped. Each process writes back the others' records as it read them
// (pruned) and its own from memory, which it alone holds.

const (
	ledgerHeader     = "clprovisioning rate ledger 1"
	maxLedgerEntries = 8192
	maxLedgerBytes   = 4 << 20
	// ledgerWindowTTL: how long a window the API's headers described stays
	// in the ledger after it was last heard of.
	ledgerWindowTTL = 10 * time.Minute
	// flightSlack is added to the request timeout for a flying entry's end.
	flightSlack = 5 * time.Second
)

type ledgerEntry struct {
	owner  string
	end    time.Time
	flying bool
	keys   []string
}

type ledgerBlock struct {
	owner, key string
	until      time.Time
}

type ledgerWindow struct {
	owner      string
	until      time.Time
	class, key string
	n          int
	per        time.Duration
}

type ledgerState struct {
	entries []*ledgerEntry
	blocks  []ledgerBlock
	windows []ledgerWindow
}

// ledger is one ledger file and its lock.
type ledger struct {
	path string
	lock *fileLock
	f    *os.File      // open while the lock is held
	buf  []byte        // read and write buffer, reused (parsing copies what it keeps)
	wait time.Duration // the longest wait for the lock (lockWait)
	// stuckUntil: the lock was held too long; until then it is waited for
	// stuckWait at most (each request would otherwise wait lockWait).
	stuckUntil time.Time
}

// After the lock was held too long, it is waited for stuckWait at most
// during stuckBackoff: a stopped process slows each request by that much,
// not by lockWait.
const (
	stuckBackoff = 30 * time.Second
	stuckWait    = 250 * time.Millisecond
)

func openLedger(dir, apiBase, authBase string) (*ledger, error) {
	if err := ensureSharedDir(dir); err != nil {
		return nil, err
	}
	path := dir + string(os.PathSeparator) + sharedName("ratelimit-", apiBase, authBase)
	return &ledger{path: path, lock: newFileLock(path + ".lock"), wait: lockWait}, nil
}

// read takes the lock and reads the ledger as of now, keeping what is still
// within keep of now. The caller must call g.release.
func (g *ledger) read(ctx context.Context, now time.Time, keep time.Duration) (*ledgerState, error) {
	wait := g.wait
	if now.Before(g.stuckUntil) {
		wait = min(wait, stuckWait)
	}
	if err := g.lock.lock(ctx, wait); err != nil {
		if errors.Is(err, errLockTimeout) && !now.Before(g.stuckUntil) {
			g.stuckUntil = now.Add(stuckBackoff)
		}
		return nil, err
	}
	g.stuckUntil = time.Time{}
	f, err := os.OpenFile(g.path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		g.lock.unlock()
		return nil, err
	}
	g.f = f
	b, err := readAll(f, maxLedgerBytes, g.buf[:0])
	g.buf = b[:0]
	if err != nil && !errors.Is(err, errTooLarge) {
		g.release()
		return nil, err
	}
	st := parseLedger(b) // nothing yet, or too large to be ours: rebuilt
	st.prune(now, keep)
	return st, nil
}

// write replaces the ledger's content, in place: every reader holds the
// lock, so none sees a part, and a rename (a new file each time) would
// make ext4 start writing the data out at every request. A process killed
// while writing leaves a file whose header (length and CRC) does not match
// its content: the next reader ignores it.
func (g *ledger) write(st *ledgerState) error {
	b := st.encode(g.buf[:0])
	g.buf = b[:0]
	if _, err := g.f.WriteAt(b, 0); err != nil {
		return err
	}
	return g.f.Truncate(int64(len(b)))
}

// release closes the file and releases the lock.
func (g *ledger) release() {
	if g.f != nil {
		_ = g.f.Close()
		g.f = nil
	}
	g.lock.unlock()
}

var errTooLarge = errors.New("file too large")

// readAll reads f from its start, up to limit bytes, into buf.
func readAll(f *os.File, limit int64, buf []byte) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return buf, err
	}
	if fi.Size() > limit {
		return buf, errTooLarge
	}
	b := slices.Grow(buf[:0], int(fi.Size()))[:fi.Size()]
	n, err := f.ReadAt(b, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b[:n], nil
}

// parseLedger reads a ledger; what does not parse is left out. It runs for
// every decision of every process, under the lock: it splits lines by hand
// and shares the strings that repeat (owners, key lists) instead of
// allocating each line's.
func parseLedger(b []byte) *ledgerState {
	st := &ledgerState{}
	rest, ok := ledgerBody(b)
	if !ok {
		return st
	}
	owners := map[string]string{}
	keyLists := map[string][]string{}
	intern := func(m map[string]string, b []byte) string {
		if s, ok := m[string(b)]; ok {
			return s
		}
		s := string(b)
		m[s] = s
		return s
	}
	// The entries are allocated together (one slab, never grown: pointers
	// into it stay valid).
	slab := make([]ledgerEntry, 0, min(bytes.Count(rest, []byte{'\n'})+1, maxLedgerEntries))
	var f [8][]byte
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte{'\n'})
		n := 0
		for len(line) > 0 && n < len(f) {
			var field []byte
			field, line, _ = bytes.Cut(line, []byte{' '})
			if len(field) > 0 {
				f[n] = field
				n++
			}
		}
		if len(line) > 0 || n < 4 || len(f[0]) != 1 {
			continue
		}
		at, ok := parseMillis(f[2])
		if !ok {
			continue
		}
		switch f[0][0] {
		case 'e':
			if n != 5 || len(f[3]) != 1 || (f[3][0] != 'f' && f[3][0] != 'd') || len(slab) == cap(slab) {
				continue
			}
			keys, ok := keyLists[string(f[4])]
			if !ok {
				keys = strings.Split(string(f[4]), ",")
				if slices.Contains(keys, "") {
					continue
				}
				keyLists[string(f[4])] = keys
			}
			slab = append(slab, ledgerEntry{owner: intern(owners, f[1]), end: at, flying: f[3][0] == 'f', keys: keys})
			st.entries = append(st.entries, &slab[len(slab)-1])
		case 'b':
			if n == 4 {
				st.blocks = append(st.blocks, ledgerBlock{owner: string(f[1]), until: at, key: string(f[3])})
			}
		case 'w':
			if n != 7 {
				continue
			}
			lim, err1 := strconv.Atoi(string(f[5]))
			per, err2 := strconv.ParseInt(string(f[6]), 10, 64)
			if err1 != nil || err2 != nil || lim <= 0 || per <= 0 || per > 24*3600*1000 {
				continue
			}
			st.windows = append(st.windows, ledgerWindow{owner: string(f[1]), until: at, class: string(f[3]), key: string(f[4]), n: lim,
				per: time.Duration(per) * time.Millisecond})
		}
	}
	return st
}

// ledgerBody returns the records of a ledger whose header is this
// version's and matches them: "clprovisioning rate ledger 1 <length of the
// records> <their CRC-32C, hex>".
func ledgerBody(b []byte) ([]byte, bool) {
	header, rest, _ := bytes.Cut(b, []byte{'\n'})
	f := strings.Fields(string(header))
	if len(f) != 6 || strings.Join(f[:4], " ") != ledgerHeader {
		return nil, false
	}
	n, err1 := strconv.Atoi(f[4])
	sum, err2 := strconv.ParseUint(f[5], 16, 32)
	if err1 != nil || err2 != nil || n != len(rest) || crc32.Checksum(rest, crc32c) != uint32(sum) {
		return nil, false
	}
	return rest, true
}

var crc32c = crc32.MakeTable(crc32.Castagnoli)

// parseMillis reads a positive decimal number of Unix milliseconds.
func parseMillis(b []byte) (time.Time, bool) {
	if len(b) == 0 || len(b) > 15 {
		return time.Time{}, false
	}
	var ms int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		ms = ms*10 + int64(c-'0')
	}
	if ms == 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}

// prune drops what has expired: entries that left every window (a flying
// one past its end counts as answered then), blocks and windows past their
// time, entries from an impossible future (a clock set back), and the
// oldest entries beyond maxLedgerEntries.
func (st *ledgerState) prune(now time.Time, keep time.Duration) {
	future := now.Add(time.Hour)
	st.entries = slices.DeleteFunc(st.entries, func(e *ledgerEntry) bool {
		if e.flying && !now.Before(e.end) {
			e.flying = false
		}
		return e.end.After(future) || (!e.flying && !now.Before(e.end.Add(keep)))
	})
	if len(st.entries) > maxLedgerEntries {
		slices.SortStableFunc(st.entries, func(a, b *ledgerEntry) int { return a.end.Compare(b.end) })
		st.entries = slices.Delete(st.entries, 0, len(st.entries)-maxLedgerEntries)
	}
	st.blocks = slices.DeleteFunc(st.blocks, func(b ledgerBlock) bool { return !now.Before(b.until) || b.until.After(future.Add(7*24*time.Hour)) })
	st.windows = slices.DeleteFunc(st.windows, func(w ledgerWindow) bool {
		return !now.Before(w.until) || w.until.After(now.Add(ledgerWindowTTL+time.Hour))
	})
}

// unixMilliCeil: time in whole milliseconds, rounded up (a place is never
// given back early by the rounding).
func unixMilliCeil(t time.Time) int64 {
	ns := t.UnixNano()
	ms := ns / 1e6
	if ns%1e6 > 0 {
		ms++
	}
	return ms
}

// encode appends the ledger's file content to buf.
func (st *ledgerState) encode(buf []byte) []byte {
	const headerRoom = 64
	b := slices.Grow(buf[:0], headerRoom+56*len(st.entries))[:headerRoom]
	for _, e := range st.entries {
		state := byte('d')
		if e.flying {
			state = 'f'
		}
		b = append(b, 'e', ' ')
		b = append(b, e.owner...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, unixMilliCeil(e.end), 10)
		b = append(b, ' ', state, ' ')
		for i, k := range e.keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, k...)
		}
		b = append(b, '\n')
	}
	for _, k := range st.blocks {
		b = append(b, "b "+k.owner+" "...)
		b = strconv.AppendInt(b, unixMilliCeil(k.until), 10)
		b = append(b, " "+k.key+"\n"...)
	}
	for _, w := range st.windows {
		b = append(b, "w "+w.owner+" "...)
		b = strconv.AppendInt(b, unixMilliCeil(w.until), 10)
		b = append(b, " "+w.class+" "+w.key+" "...)
		b = strconv.AppendInt(b, int64(w.n), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, w.per.Milliseconds(), 10)
		b = append(b, '\n')
	}
	records := b[headerRoom:]
	header := fmt.Sprintf("%s %d %08x\n", ledgerHeader, len(records), crc32.Checksum(records, crc32c))
	start := headerRoom - len(header)
	copy(b[start:], header)
	return b[start:]
}

// ledgerKey makes a limiter key safe for the ledger's fields (endpoints are
// path segments, escaped; this only guards the format).
func ledgerKey(k string) string {
	if !strings.ContainsAny(k, " ,\t\r\n") {
		return k
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', ',', '\t', '\r', '\n':
			return '_'
		}
		return r
	}, k)
}
