package simulator

import (
	"crypto/rand"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"
)

// object is one stored resource.
type object struct {
	typ   string
	id    string
	seq   int64             // creation order: the default order of lists
	born  time.Time         // when it was stored (the store's clock): see readlag.go
	attrs map[string]any    // every stored attribute (timestamps as ISO strings)
	rels  map[string]string // to-one relationships: name -> id ("" = null)
	org   string            // versions only: the organization of the versioned object
}

func (o *object) clone() *object {
	c := *o
	c.attrs = maps.Clone(o.attrs)
	c.rels = maps.Clone(o.rels)
	return &c
}

func (o *object) str(name string) string {
	s, _ := o.attrs[name].(string)
	return s
}

// orgID is the organization an object belongs to ("" for global objects).
func (o *object) orgID() string {
	switch o.typ {
	case "organizations":
		return o.id
	case "versions":
		return o.org
	}
	return o.rels["organization"]
}

type knownUser struct{ first, last string }

// store is the in-memory state. Every method expects the Simulator's mutex
// to be held.
type store struct {
	objs   map[string]map[string]*object
	seq    int64
	userID string
	appID  string // the id of the "application" behind API tokens (their JWT claim, versions' who)
	users  map[string]knownUser
	now    func() time.Time

	// The plan is an organization's (its subscription_info): enterprise is
	// the plan of organizations created from now on, plans each one's.
	enterprise bool
	plans      map[string]bool

	// maskSecrets renders fSecret attributes masked (see maskSecret).
	maskSecrets bool

	// Indexes, kept up to date by every store operation, so that reads do
	// not scan: byRel finds the objects whose to-one relationship points at
	// an object, byEmail the memberships of an email (lower case).
	byRel   map[relKey]map[string]*object
	byEmail map[string]map[string]*object
	// gen counts changes; the caller's view is computed once per change.
	gen  int64
	view *view
	// scanned counts the objects visited to answer a request (tests check
	// that a read's cost does not grow with the store).
	scanned int64
}

// relKey names the objects of typ whose relationship rel points at target.
type relKey struct{ typ, rel, target string }

func newStore(enterprise, maskSecrets bool) *store {
	st := &store{
		objs:       map[string]map[string]*object{},
		appID:      newID(),
		users:      map[string]knownUser{},
		now:        time.Now,
		enterprise: enterprise,
		plans:      map[string]bool{},

		maskSecrets: maskSecrets,
		byRel:       map[relKey]map[string]*object{},
		byEmail:     map[string]map[string]*object{},
	}
	for _, e := range entities {
		st.objs[e.typ] = map[string]*object{}
	}
	return st
}

// addUser creates the signed-in user.
func (st *store) addUser(email, first, last string) {
	u := &object{typ: "users", attrs: map[string]any{
		"email": email, "first_name": first, "last_name": last, "time_zone": nil,
		"otp_required_for_login": false, "reference": nil, "reference_origin": nil, "metadata": nil,
	}}
	st.insert(u)
	st.userID = u.id
}

func (st *store) isEnterprise(orgID string) bool { return st.plans[orgID] }

func (st *store) timestamp() string { return formatTime(st.now()) }

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (st *store) get(typ, id string) *object {
	if id == "" {
		return nil
	}
	return st.objs[typ][id]
}

func (st *store) user() *object { return st.objs["users"][st.userID] }

func (st *store) userEmail() string { return st.user().str("email") }

// insert gives o an id, a sequence number and timestamps, and stores it.
func (st *store) insert(o *object) {
	if o.id == "" {
		o.id = newID()
	}
	st.seq++
	o.seq = st.seq
	if o.attrs == nil {
		o.attrs = map[string]any{}
	}
	if o.rels == nil {
		o.rels = map[string]string{}
	}
	o.born = st.now()
	ts := formatTime(o.born)
	o.attrs["created_at"] = ts
	o.attrs["updated_at"] = ts
	st.objs[o.typ][o.id] = o
	st.index(o, true)
	st.gen++
}

// put stores cur, a changed copy of the stored old (same type and id), in
// its place. Every change of a stored object goes through put (or insert
// and delete), which keeps the indexes right.
func (st *store) put(old, cur *object) {
	if prev := st.objs[old.typ][old.id]; prev != nil {
		st.index(prev, false)
	}
	st.objs[cur.typ][cur.id] = cur
	st.index(cur, true)
	st.gen++
}

// index adds o to the indexes, or removes it.
func (st *store) index(o *object, add bool) {
	for rel, target := range o.rels {
		if target == "" {
			continue
		}
		k := relKey{o.typ, rel, target}
		if add {
			if st.byRel[k] == nil {
				st.byRel[k] = map[string]*object{}
			}
			st.byRel[k][o.id] = o
		} else if set := st.byRel[k]; set != nil {
			delete(set, o.id)
			if len(set) == 0 {
				delete(st.byRel, k)
			}
		}
	}
	if o.typ != "memberships" {
		return
	}
	email := strings.ToLower(o.str("user_email"))
	if add {
		if st.byEmail[email] == nil {
			st.byEmail[email] = map[string]*object{}
		}
		st.byEmail[email][o.id] = o
	} else if set := st.byEmail[email]; set != nil {
		delete(set, o.id)
		if len(set) == 0 {
			delete(st.byEmail, email)
		}
	}
}

// all returns the objects of a type in creation order.
func (st *store) all(typ string) []*object {
	return st.sorted(st.objs[typ])
}

// sorted returns a set of objects in creation order.
func (st *store) sorted(set map[string]*object) []*object {
	out := slices.Collect(maps.Values(set))
	st.scanned += int64(len(out))
	slices.SortFunc(out, func(a, b *object) int { return int(a.seq - b.seq) })
	return out
}

// where returns the objects of typ whose to-one relationship rel is id, in
// creation order.
func (st *store) where(typ, rel, id string) []*object {
	if id == "" {
		return nil
	}
	return st.sorted(st.byRel[relKey{typ, rel, id}])
}

// count is len(where(typ, rel, id)), in constant time.
func (st *store) count(typ, rel, id string) int {
	return len(st.byRel[relKey{typ, rel, id}])
}

// relIDs returns the ids a relationship of o points at (existing objects only).
func (st *store) relIDs(o *object, r *relDef) []string {
	var out []string
	switch {
	case !r.many:
		if t := st.get(r.target, o.rels[r.name]); t != nil {
			out = append(out, t.id)
		}
	case r.target == "versions":
		for _, v := range st.where("versions", versionOf, key(o.typ, o.id)) {
			out = append(out, v.id)
		}
	default:
		for _, t := range st.where(r.target, r.inverse, o.id) {
			out = append(out, t.id)
		}
	}
	return out
}

// delete removes an object and runs the cascade of its entity.
func (st *store) delete(o *object, who map[string]any) {
	if st.objs[o.typ][o.id] == nil {
		return
	}
	delete(st.objs[o.typ], o.id)
	st.index(o, false)
	st.gen++
	e := entityByType[o.typ]
	if e.versioned {
		st.recordVersion(o, "destroy", destroyChanges(e, o), who)
	}
	if e.cascade != nil {
		e.cascade(st, o)
	}
}

// view is what the signed-in user's memberships give them: the
// organizations they see, those where they are admin or owner, and their
// memberships. Computed once per change of the store.
type view struct {
	gen         int64
	orgs        map[string]bool    // organizations with a membership of theirs
	admin       map[string]bool    // ... with an admin role
	owned       map[string]bool    // ... that they own
	memberships map[string]*object // organization id -> their membership
}

// caller returns the signed-in user's view, computed from their memberships
// only (the email index), never from the whole store.
func (st *store) caller() *view {
	if st.view != nil && st.view.gen == st.gen {
		return st.view
	}
	v := &view{gen: st.gen, orgs: map[string]bool{}, admin: map[string]bool{}, owned: map[string]bool{}, memberships: map[string]*object{}}
	for _, m := range st.byEmail[strings.ToLower(st.userEmail())] {
		st.scanned++
		org := m.rels["organization"]
		v.orgs[org] = true
		v.memberships[org] = m
		if m.attrs["owner"] == true {
			v.owned[org] = true
		}
		if role := st.get("roles", m.rels["role"]); role != nil && role.str("kind") == "admin" {
			v.admin[org] = true
		}
	}
	st.view = v
	return v
}

// userMembership is the signed-in user's membership in an organization.
func (st *store) userMembership(orgID string) *object { return st.caller().memberships[orgID] }

// knownUser looks a user up by email (the signed-in user included).
func (st *store) knownUser(email string) (knownUser, bool) {
	if u := st.user(); strings.EqualFold(u.str("email"), email) {
		return knownUser{first: u.str("first_name"), last: u.str("last_name")}, true
	}
	k, ok := st.users[strings.ToLower(email)]
	return k, ok
}

// rederiveAround recomputes the derived attributes an API write of o can
// change: its own and, for a membership profile, its members'.
func (st *store) rederiveAround(o *object) {
	if e := entityByType[o.typ]; e.derive != nil {
		e.derive(st, o)
	}
	if o.typ == "membership_profiles" {
		for _, m := range st.where("memberships", "membership_profile", o.id) {
			deriveTestEnabled(st, m)
		}
	}
}

// rederive recomputes every derived attribute (after out-of-band changes).
func (st *store) rederive() {
	for _, e := range entities {
		if e.derive == nil {
			continue
		}
		for _, o := range st.objs[e.typ] {
			e.derive(st, o)
		}
	}
}

// --- versions ---

// whoToken is the "who" of a change made through an API token: the
// application claim of the token (see tokenClaims), as the spec's
// description of who says ("only showed when it's from a JWT token"; its
// example is {"application": {"id", "kind", "public"}}).
func (st *store) whoToken() map[string]any {
	return map[string]any{"application": map[string]any{"id": st.appID, "kind": "user", "public": false}}
}

// dashboardAppID is the application behind the Dashboard's tokens.
var dashboardAppID = newID()

// whoDashboard is the "who" of an out-of-band change made with the test
// hooks, as if in the Dashboard. The Dashboard calls the API with a JWT of
// its own, whose application kind is "dashboard" (source: a Dashboard token
// decoded in commercelayer-js-auth's jwtDecode.spec.ts). Assumption: its
// changes carry that application as who.
func whoDashboard() map[string]any {
	return map[string]any{"application": map[string]any{"id": dashboardAppID, "kind": "dashboard", "public": false}}
}

// replace stores cur in place of old as a change made by who, with a new
// updated_at and, for versioned types, a version if anything changed.
func (st *store) replace(old, cur *object, who map[string]any) {
	st.put(old, cur)
	e := entityByType[cur.typ]
	changes := diff(e, old, cur)
	if len(changes) == 0 {
		return
	}
	cur.attrs["updated_at"] = st.timestamp()
	if e.versioned {
		st.recordVersion(cur, "update", changes, who)
	}
}

// versionOf is the index key of a version's object (key(typ, id)); not a
// relationship of the API, so never rendered.
const versionOf = "_version_of"

func (st *store) recordVersion(o *object, event string, changes map[string]any, who map[string]any) {
	v := &object{typ: "versions", org: o.orgID(), attrs: map[string]any{
		"resource_type": o.typ, "resource_id": o.id, "event": event,
		"changes": changes, "who": who,
		"reference": nil, "reference_origin": nil, "metadata": nil,
	}, rels: map[string]string{versionOf: key(o.typ, o.id)}}
	st.insert(v)
}

// diff returns the changes between two states of an object: attributes as
// {name: [old, new]} and to-one relationships as {<rel>_id: [old, new]}.
// Timestamps and the derived test_enabled are left out.
func diff(e *entity, old, cur *object) map[string]any {
	out := map[string]any{}
	for _, d := range e.attrs {
		if d.has(fTrigger) || d.name == "created_at" || d.name == "updated_at" || d.name == "test_enabled" {
			continue
		}
		ov, nv := old.attrs[d.name], cur.attrs[d.name]
		if !jsonEqual(ov, nv) {
			out[d.name] = []any{ov, nv}
		}
	}
	for _, r := range e.rels {
		if r.many {
			continue
		}
		ov, nv := old.rels[r.name], cur.rels[r.name]
		if ov != nv {
			out[r.name+"_id"] = []any{nullable(ov), nullable(nv)}
		}
	}
	return out
}

func createChanges(e *entity, o *object) map[string]any {
	return diff(e, &object{attrs: map[string]any{}, rels: map[string]string{}}, o)
}

func destroyChanges(e *entity, o *object) map[string]any {
	return diff(e, o, &object{attrs: map[string]any{}, rels: map[string]string{}})
}

func nullable(id string) any {
	if id == "" {
		return nil
	}
	return id
}

func jsonEqual(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// --- random values ---

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randString returns n random alphanumeric characters.
func randString(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n*2)
	for len(out) < n {
		_, _ = rand.Read(buf)
		for _, b := range buf {
			if int(b) < 248 && len(out) < n { // 248 = 4*62: no modulo bias
				out = append(out, alnum[int(b)%62])
			}
		}
	}
	return string(out)
}

func newID() string { return randString(10) }
