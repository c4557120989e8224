package simulator

import (
	"fmt"
	"time"
)

// Test-only knobs, so that tests advance a clock instead of sleeping.

// SetClock replaces the clock of tokens, rate limits and timestamps.
func (s *Simulator) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.authMu.Lock()
	defer s.authMu.Unlock()
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	s.now, s.st.now = now, now
}

// SetLimits makes every rate limit n requests per period.
func (s *Simulator) SetLimits(n int, period time.Duration) {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	w := window{n, period}
	s.limits = limitSet{token: w, readAll: w, readEndpoint: w, writeAll: w, writeEndpoint: w}
}

// Scanned is how many stored objects the simulator has visited so far to
// answer requests (see store.scanned).
func (s *Simulator) Scanned() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.scanned
}

// AddMembers adds n pending read_only memberships to an organization
// straight into the store (a large organization, fast).
func (s *Simulator) AddMembers(orgID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var readOnly string
	for _, r := range s.st.where("roles", "organization", orgID) {
		if r.str("kind") == "read_only" {
			readOnly = r.id
		}
	}
	for i := range n {
		m := &object{typ: "memberships", rels: map[string]string{"organization": orgID, "role": readOnly, "membership_profile": ""}, attrs: map[string]any{
			"user_email": fmt.Sprintf("member%d@example.com", i), "user_first_name": nil, "user_last_name": nil,
			"status": "pending", "owner": false, "access_scope": "live_access", "test_enabled": false,
			"reference": nil, "reference_origin": nil, "metadata": nil,
		}}
		s.st.insert(m)
	}
}
