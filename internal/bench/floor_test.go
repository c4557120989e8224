package bench

import (
	"testing"
	"time"
)

func TestFloor(t *testing.T) {
	w := func(ep string) Key { return Key{"write", ep} }
	r := func(ep string) Key { return Key{"read", ep} }
	for _, c := range []struct {
		name   string
		counts Counts
		want   time.Duration
	}{
		{"nothing", Counts{}, 0},
		{"one burst of writes", Counts{w("memberships"): 50}, 0},
		{"one more than a burst", Counts{w("memberships"): 51}, 10 * time.Second},
		// The examples: 50 per 10 s, then 200/min.
		{"150 POSTs to one endpoint", Counts{w("memberships"): 150}, 20 * time.Second},
		{"500 POSTs to one endpoint", Counts{w("memberships"): 500}, 130 * time.Second},
		{"1000 POSTs to one endpoint", Counts{w("memberships"): 1000}, 270 * time.Second},
		{"two endpoints share the overall window", Counts{w("memberships"): 200, w("roles"): 50}, 60 * time.Second},
		{"reads: 250 per 10 s per endpoint", Counts{r("memberships"): 1000}, 30 * time.Second},
		{"reads: 1000/min overall", Counts{r("memberships"): 600, r("roles"): 600}, 60 * time.Second},
		{"classes do not share windows", Counts{r("memberships"): 40, w("memberships"): 150, {"token", "oauth/token"}: 1}, 20 * time.Second},
		{"tokens: 30/min", Counts{{"token", "oauth/token"}: 31}, 60 * time.Second},
	} {
		if got := Floor(c.counts, Published); got != c.want {
			t.Errorf("%s: floor %v, want %v", c.name, got, c.want)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		method, path string
		want         Key
	}{
		{"POST", "/oauth/token", Key{"token", "oauth/token"}},
		{"GET", "/api/memberships", Key{"read", "memberships"}},
		{"GET", "/api/memberships/abc", Key{"read", "memberships"}},
		{"HEAD", "/api/roles/abc/permissions", Key{"read", "roles"}},
		{"POST", "/api/memberships", Key{"write", "memberships"}},
		{"PATCH", "/api/memberships/abc", Key{"write", "memberships"}},
		{"DELETE", "/api/memberships/abc", Key{"write", "memberships"}},
		{"POST", "/api/memberships/abc/resend", Key{"write", "memberships"}},
	} {
		if got := Classify(c.method, c.path); got != c.want {
			t.Errorf("%s %s: %v, want %v", c.method, c.path, got, c.want)
		}
	}
}

func TestMostInWindow(t *testing.T) {
	t0 := time.Unix(1_750_000_000, 0)
	at := func(secs ...float64) []time.Time {
		var out []time.Time
		for _, s := range secs {
			out = append(out, t0.Add(time.Duration(s*float64(time.Second))))
		}
		return out
	}
	for _, c := range []struct {
		times []time.Time
		want  int
	}{
		{nil, 0},
		{at(0), 1},
		{at(0, 59.9, 60), 2},   // one at 60 s has left the window of the first
		{at(30, 0, 10, 70), 3}, // unsorted
		{at(0, 1, 2, 61, 62), 3},
	} {
		if got := MostInWindow(c.times, time.Minute); got != c.want {
			t.Errorf("MostInWindow(%v) = %d, want %d", c.times, got, c.want)
		}
	}
}
