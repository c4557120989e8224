package simulator

import (
	"net/http"
	"time"
)

// Read lag: the API answering reads from a replica that lags behind the
// primary its writes go to, as databases behind web APIs commonly do. No
// source says whether the Provisioning API does; the simulator can act so,
// so that clients are tested against a read that does not yet see what they
// have just written (a GET right after the POST that created the object).
//
// What the simulator does, with a lag d > 0 (Options.ReadLag, SetReadLag):
//   - An object stored less than d ago by the simulator's clock is missing
//     from every GET: GET of it answers 404 RECORD_NOT_FOUND, as for an id
//     that does not exist, and so do GETs of its related routes
//     (/api/memberships/{id}/role); lists leave it out before filtering and
//     paging (record_count does not count it); as the target of a related
//     route or of an include it is left out too: a to-one relationship reads
//     data null, a to-many one lists the others. A GET is answered by the
//     replica as a whole, which has neither the object nor, since rows
//     arrive in the order they were written, a later change that points at
//     it.
//   - Writes see everything at once: POST, PATCH and DELETE of a fresh
//     object succeed (a PATCH answers 200 with the object), a relationship
//     in a POST or PATCH body may point at one, and the documents writes
//     answer with (the primary's) include fresh objects.
//   - Objects made by a write count as created by it: a new organization's
//     roles, owner membership and credentials, and versions.
//   - The signed-in user (the singleton) is never lagged: it exists before
//     the simulator starts.
//
// Only creation lags. A replica would also serve the old values of an object
// changed less than d ago and still serve an object deleted less than d ago;
// the simulator serves every GET the current values of the objects it shows
// and forgets deleted objects at once. Tests of stale updates or of
// deletions that linger need another tool.

// lag is the cut-off of one request: objects stored after it are not in
// the answer. The zero value hides nothing.
type lag struct{ cutoff time.Time }

// hides reports whether the replica answering the request lacks o.
func (l lag) hides(o *object) bool {
	return o != nil && !l.cutoff.IsZero() && o.typ != "users" && o.born.After(l.cutoff)
}

// lagFor is the lag of a request: none for writes. s.mu is held.
func (s *Simulator) lagFor(r *http.Request) lag {
	if r.Method != http.MethodGet || s.readLag <= 0 {
		return lag{}
	}
	return lag{cutoff: s.st.now().Add(-s.readLag)}
}

// SetReadLag makes GETs miss the objects created less than d ago (0 turns
// the lag off); see Options.ReadLag.
func (s *Simulator) SetReadLag(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readLag = d
}
