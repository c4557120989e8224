package provisioning

import (
	"fmt"
	"testing"
	"time"
)

func benchLedger(n int) []byte {
	now := time.UnixMilli(1_750_000_000_000)
	st := &ledgerState{}
	for i := range n {
		st.entries = append(st.entries, &ledgerEntry{owner: fmt.Sprintf("%016x", i%40), end: now.Add(time.Duration(i) * time.Millisecond),
			keys: []string{"read:memberships", "read"}})
	}
	return st.encode(nil)
}

func BenchmarkLedgerParse(b *testing.B) {
	data := benchLedger(1000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		parseLedger(data)
	}
}

func BenchmarkLedgerEncode(b *testing.B) {
	st := parseLedger(benchLedger(1000))
	for b.Loop() {
		st.encode(nil)
	}
}

// BenchmarkSharedRequest: one request's two turns at the ledger (its place,
// its answer), with 250 places of another process in the file.
func BenchmarkSharedRequest(b *testing.B) {
	dir := b.TempDir()
	other := newLimiter(defaultLimitSpecs())
	other.share(dir, "https://api.example", "https://auth.example", time.Minute)
	for range 250 {
		tk, _, err := other.waitRequest(b.Context(), "GET", "memberships")
		if err != nil {
			b.Fatal(err)
		}
		other.done(tk, nil)
	}
	l := newLimiter(defaultLimitSpecs())
	l.share(dir, "https://api.example", "https://auth.example", time.Minute)
	for b.Loop() {
		tk, _, err := l.waitRequest(b.Context(), "POST", "memberships")
		if err != nil {
			b.Fatal(err)
		}
		l.done(tk, nil)
		l.mu.Lock()
		l.m = map[string]*slidingLog{} // stay under the limits
		l.shared.mine = nil
		l.mu.Unlock()
	}
}
