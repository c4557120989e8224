package provisioning

import (
	"context"
	"net/http"
	"sync"
	"testing"
)

// Path escapes each segment, so that what an id holds cannot add, remove or
// climb path segments: "abc/def" stays one segment, sent as abc%2Fdef.
func TestPathKeepsEachSegmentWhole(t *testing.T) {
	cases := []struct {
		segments []string
		want     string // the request's escaped path
	}{
		{[]string{"memberships", "XGZwpOSrWL", "resend"}, "/api/memberships/XGZwpOSrWL/resend"},
		{[]string{"memberships", "abc/def", "resend"}, "/api/memberships/abc%2Fdef/resend"},
		{[]string{"memberships", "../organizations", "resend"}, "/api/memberships/..%2Forganizations/resend"},
		{[]string{"memberships", "a b?x=1#f", "resend"}, "/api/memberships/a%20b%3Fx=1%23f/resend"},
		{[]string{"memberships", "a%2Fb", "resend"}, "/api/memberships/a%252Fb/resend"}, // a literal %: kept as it is
		{[]string{"organizations", "org/1", "transfer_ownership"}, "/api/organizations/org%2F1/transfer_ownership"},
	}
	var mu sync.Mutex
	var got []string
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.EscapedPath())
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	})
	c := f.client()
	for _, tc := range cases {
		if err := c.Action(context.Background(), http.MethodPost, Path(tc.segments...), nil); err != nil {
			t.Fatalf("Action(%q): %v", Path(tc.segments...), err)
		}
	}
	if len(got) != len(cases) {
		t.Fatalf("%d requests, want %d: %q", len(got), len(cases), got)
	}
	for i, tc := range cases {
		if got[i] != tc.want {
			t.Errorf("Path(%q): request path %s, want %s", tc.segments, got[i], tc.want)
		}
	}
}

// A segment that is only dots or empty is refused, escaped or not: it would
// address another resource.
func TestPathRefusesRelativeSegments(t *testing.T) {
	f := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
		t.Error("no request should be sent")
		w.WriteHeader(http.StatusAccepted)
	})
	c := f.client()
	for _, id := range []string{"..", ".", ""} {
		if err := c.Action(context.Background(), http.MethodPost, Path("memberships", id, "resend"), nil); err == nil {
			t.Errorf("id %q: no error", id)
		}
	}
	// Paths written by hand: an escaped dot segment is still one, and
	// escaping that is not valid is refused.
	for _, p := range []string{"memberships/%2E%2E/resend", "memberships/%zz/resend"} {
		if err := c.Action(context.Background(), http.MethodPost, p, nil); err == nil {
			t.Errorf("%s: no error", p)
		}
	}
}
