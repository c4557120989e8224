package simulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// The methods below are test hooks: what a test does behind a client's back
// (as if in the Dashboard) and how it looks at what the client did.

// Requests returns the requests served so far, in order.
func (s *Simulator) Requests() []Request {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	return slices.Clone(s.requests)
}

// ResetRequests empties the request log.
func (s *Simulator) ResetRequests() {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	s.requests = nil
}

// CountRequests counts the logged requests of a method ("" = any) whose
// path starts with pathPrefix (token requests included).
func (s *Simulator) CountRequests(method, pathPrefix string) int {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	n := 0
	for _, r := range s.requests {
		if (method == "" || strings.EqualFold(method, r.Method)) && strings.HasPrefix(r.Path, pathPrefix) {
			n++
		}
	}
	return n
}

// lookup finds an object; for "users" the id may be empty (the singleton).
func (s *Simulator) lookup(typ, id string) (*entity, *object, error) {
	e := entityByType[typ]
	if e == nil {
		return nil, nil, fmt.Errorf("simulator: unknown type %q", typ)
	}
	if e.singleton && id == "" {
		id = s.st.userID
	}
	o := s.st.get(typ, id)
	if o == nil {
		return nil, nil, fmt.Errorf("simulator: no %s %q", typ, id)
	}
	return e, o, nil
}

// Object returns an object as the API renders it, with the data of every
// relationship (as if all were included).
func (s *Simulator) Object(typ, id string) (*jsonapi.Resource, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, o, err := s.lookup(typ, id)
	if err != nil {
		return nil, false
	}
	return fullResource(s.st, o), true
}

// SetAttributes changes attributes of an object out of band, read-only ones
// included, recording a version by the Dashboard where the type is versioned.
// A nil value clears an attribute.
func (s *Simulator) SetAttributes(typ, id string, attrs map[string]any) error {
	// A JSON round trip stores values as the API would (json.Number, maps).
	b, err := json.Marshal(attrs)
	if err != nil {
		return fmt.Errorf("simulator: attributes: %w", err)
	}
	var norm map[string]any
	if err := jsonapi.Unmarshal(b, &norm); err != nil {
		return fmt.Errorf("simulator: attributes: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, o, err := s.lookup(typ, id)
	if err != nil {
		return err
	}
	c := o.clone()
	for name, v := range norm {
		if d := e.attr(name); d == nil || d.has(fTrigger) {
			return fmt.Errorf("simulator: %s has no attribute %q", typ, name)
		}
		c.attrs[name] = v
	}
	s.st.replace(o, c, whoDashboard())
	for _, ts := range []string{"created_at", "updated_at"} {
		if v, ok := norm[ts]; ok { // set on purpose: keep it
			c.attrs[ts] = v
		}
	}
	if e.singleton {
		s.st.syncUser(o.str("email"), c)
	}
	s.st.rederive()
	return nil
}

// SetRelationship points a to-one relationship of an object at targetID
// ("" = null) out of band. To-many relationships are the inverse of a
// to-one one: set that on their members instead.
func (s *Simulator) SetRelationship(typ, id, rel, targetID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, o, err := s.lookup(typ, id)
	if err != nil {
		return err
	}
	rd := e.rel(rel)
	switch {
	case rd == nil:
		return fmt.Errorf("simulator: %s has no relationship %q", typ, rel)
	case rd.many:
		return fmt.Errorf("simulator: %s.%s is to-many: set %s on the %s instead", typ, rel, rd.inverse, rd.target)
	case targetID != "" && s.st.get(rd.target, targetID) == nil:
		return fmt.Errorf("simulator: no %s %q", rd.target, targetID)
	}
	c := o.clone()
	c.rels[rel] = targetID
	s.st.replace(o, c, whoDashboard())
	s.st.rederive()
	return nil
}

// Remove deletes an object out of band, even of a type the API cannot
// delete, with the deletions that follow from it (an organization takes its
// roles, memberships, credentials... with it).
func (s *Simulator) Remove(typ, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, o, err := s.lookup(typ, id)
	if err != nil {
		return err
	}
	if e.singleton {
		return fmt.Errorf("simulator: the signed-in user cannot be removed")
	}
	s.st.delete(o, whoDashboard())
	s.st.rederive()
	return nil
}

// SetEnterprise sets the plan of one organization, or with orgID "" the
// plan of every organization, existing and to be created.
func (s *Simulator) SetEnterprise(orgID string, on bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if orgID == "" {
		s.st.enterprise = on
		for id := range s.st.plans {
			s.st.plans[id] = on
		}
		return nil
	}
	if s.st.get("organizations", orgID) == nil {
		return fmt.Errorf("simulator: no organizations %q", orgID)
	}
	s.st.plans[orgID] = on
	return nil
}

// SetMaskSecrets makes identity providers' client_secret render masked (on)
// or in clear (off, the default, as the docs show it).
func (s *Simulator) SetMaskSecrets(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.maskSecrets = on
}

// AddKnownUser registers someone who has an account: a membership created
// for their email is active at once instead of pending.
func (s *Simulator) AddKnownUser(email, first, last string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.users[strings.ToLower(email)] = knownUser{first: first, last: last}
}

// ExpireTokens makes every access token issued so far expire now.
func (s *Simulator) ExpireTokens() {
	s.authMu.Lock()
	defer s.authMu.Unlock()
	now := s.now()
	for t := range s.tokens {
		s.tokens[t] = now
	}
}

// SetRateLimits turns the enforcement of rate limits on or off. Either way
// it forgets the requests counted so far: enforcement starts from a clean
// count, whatever a test did before turning it on.
func (s *Simulator) SetRateLimits(on bool) {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	s.rateLimits = on
	clear(s.hits)
}

// InjectFault adds a fault; the first matching fault applies to a request.
func (s *Simulator) InjectFault(f Fault) {
	if f.Kind < FaultLatency || f.Kind > FaultDrop {
		panic(fmt.Sprintf("simulator: invalid fault kind %d", f.Kind))
	}
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	left := f.Count
	if left <= 0 {
		left = -1
	}
	s.faults = append(s.faults, &faultState{Fault: f, left: left})
}

// ClearFaults removes every injected fault.
func (s *Simulator) ClearFaults() {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	s.faults = nil
}
