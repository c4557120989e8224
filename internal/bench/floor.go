package bench

import (
	"cmp"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// Window is a sliding-window limit: at most N requests in any period Per.
type Window struct {
	N   int
	Per time.Duration
}

// ClassLimits are the two windows a request of one class counts in: the
// class's overall window and its endpoint's window.
type ClassLimits struct {
	All, Endpoint Window
}

// Limits are the windows of each request class ("read", "write", "token").
type Limits map[string]ClassLimits

// Published are the Provisioning API's published limits (API-NOTES.md):
// GET 1000/min overall and 250 per 10 s per endpoint; writes (POST, PATCH,
// DELETE) 200/min overall and 50 per 10 s per endpoint; the token endpoint
// 30/min.
var Published = Limits{
	"read":  {All: Window{1000, time.Minute}, Endpoint: Window{250, 10 * time.Second}},
	"write": {All: Window{200, time.Minute}, Endpoint: Window{50, 10 * time.Second}},
	"token": {All: Window{30, time.Minute}, Endpoint: Window{30, time.Minute}},
}

// Key is where a request counts: its class and its endpoint (the first path
// segment after /api/, e.g. "memberships"; "oauth/token" for tokens).
type Key struct {
	Class, Endpoint string
}

// Classify returns the Key of a request as the API (and the simulator)
// counts it.
func Classify(method, path string) Key {
	if path == "/oauth/token" {
		return Key{"token", "oauth/token"}
	}
	ep := strings.TrimPrefix(path, "/api/")
	ep, _, _ = strings.Cut(ep, "/")
	if method == http.MethodGet || method == http.MethodHead {
		return Key{"read", ep}
	}
	return Key{"write", ep}
}

// Counts are request counts by Key.
type Counts map[Key]int

// Floor is when the last of the counted requests may leave under the
// limits, counting from the first, when every request leaves as soon as all
// its windows allow and the windows start empty. Classes do not share
// windows, so the floor is the largest of the classes' floors.
func Floor(c Counts, l Limits) time.Duration {
	byClass := map[string]map[string]int{}
	for k, n := range c {
		if n <= 0 {
			continue
		}
		if byClass[k.Class] == nil {
			byClass[k.Class] = map[string]int{}
		}
		byClass[k.Class][k.Endpoint] += n
	}
	var floor time.Duration
	for class, eps := range byClass {
		lim, ok := l[class]
		if !ok {
			continue
		}
		floor = max(floor, classFloor(eps, lim))
	}
	return floor
}

// classFloor schedules one class's requests greedily: at each moment as
// many as every window allows, the endpoints with the most requests left
// first. A request sent at s holds its place in a window of length per
// until s+per (as the simulator counts it). Moments are the start and the
// instants a place frees up, so the schedule is exact, not sampled.
func classFloor(eps map[string]int, lim ClassLimits) time.Duration {
	left := map[string]int{}
	total := 0
	for ep, n := range eps {
		left[ep] = n
		total += n
	}
	if lim.All.N <= 0 || lim.Endpoint.N <= 0 {
		return 0
	}
	type sent struct {
		at time.Duration
		n  int
	}
	var all []sent
	byEp := map[string][]sent{}
	inWindow := func(log []sent, t, per time.Duration) int {
		k := 0
		for _, s := range log {
			if s.at+per > t {
				k += s.n
			}
		}
		return k
	}
	var t, last time.Duration
	names := make([]string, 0, len(left))
	for ep := range left {
		names = append(names, ep)
	}
	for total > 0 {
		sort.Slice(names, func(i, j int) bool {
			return cmp.Or(cmp.Compare(left[names[j]], left[names[i]]), strings.Compare(names[i], names[j])) < 0
		})
		room := lim.All.N - inWindow(all, t, lim.All.Per)
		for _, ep := range names {
			if room <= 0 {
				break
			}
			n := min(room, left[ep], lim.Endpoint.N-inWindow(byEp[ep], t, lim.Endpoint.Per))
			if n <= 0 {
				continue
			}
			all = append(all, sent{t, n})
			byEp[ep] = append(byEp[ep], sent{t, n})
			left[ep] -= n
			total -= n
			room -= n
			last = t
		}
		if total == 0 {
			break
		}
		// The next moment a place frees up in any window.
		var next []time.Duration
		for _, s := range all {
			if s.at+lim.All.Per > t {
				next = append(next, s.at+lim.All.Per)
			}
		}
		for _, log := range byEp {
			for _, s := range log {
				if s.at+lim.Endpoint.Per > t {
					next = append(next, s.at+lim.Endpoint.Per)
				}
			}
		}
		t = slices.Min(next)
	}
	return last
}
