package simulator

import "time"

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
