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
	return st.encode()
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
		st.encode()
	}
}
