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
}

func newStore(enterprise bool) *store {
	st := &store{
		objs:       map[string]map[string]*object{},
		appID:      newID(),
		users:      map[string]knownUser{},
		now:        time.Now,
		enterprise: enterprise,
		plans:      map[string]bool{},
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
	ts := st.timestamp()
	o.attrs["created_at"] = ts
	o.attrs["updated_at"] = ts
	st.objs[o.typ][o.id] = o
}

// all returns the objects of a type in creation order.
func (st *store) all(typ string) []*object {
	out := slices.Collect(maps.Values(st.objs[typ]))
	slices.SortFunc(out, func(a, b *object) int { return int(a.seq - b.seq) })
	return out
}

// where returns the objects of typ whose to-one relationship rel is id.
func (st *store) where(typ, rel, id string) []*object {
	var out []*object
	for _, o := range st.all(typ) {
		if o.rels[rel] == id {
			out = append(out, o)
		}
	}
	return out
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
		for _, v := range st.all("versions") {
			if v.attrs["resource_type"] == o.typ && v.attrs["resource_id"] == o.id {
				out = append(out, v.id)
			}
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
	e := entityByType[o.typ]
	if e.versioned {
		st.recordVersion(o, "destroy", destroyChanges(e, o), who)
	}
	if e.cascade != nil {
		e.cascade(st, o)
	}
}

// visibleOrgs are the organizations where the signed-in user has a membership.
func (st *store) visibleOrgs() map[string]bool {
	email := st.userEmail()
	out := map[string]bool{}
	for _, m := range st.objs["memberships"] {
		if strings.EqualFold(m.str("user_email"), email) {
			out[m.rels["organization"]] = true
		}
	}
	return out
}

// userMembership is the signed-in user's membership in an organization.
func (st *store) userMembership(orgID string) *object {
	email := st.userEmail()
	for _, m := range st.objs["memberships"] {
		if m.rels["organization"] == orgID && strings.EqualFold(m.str("user_email"), email) {
			return m
		}
	}
	return nil
}

// knownUser looks a user up by email (the signed-in user included).
func (st *store) knownUser(email string) (knownUser, bool) {
	if u := st.user(); strings.EqualFold(u.str("email"), email) {
		return knownUser{first: u.str("first_name"), last: u.str("last_name")}, true
	}
	k, ok := st.users[strings.ToLower(email)]
	return k, ok
}

// rederive recomputes every derived attribute (cheap at simulator scale).
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
	st.objs[cur.typ][cur.id] = cur
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

func (st *store) recordVersion(o *object, event string, changes map[string]any, who map[string]any) {
	v := &object{typ: "versions", org: o.orgID(), attrs: map[string]any{
		"resource_type": o.typ, "resource_id": o.id, "event": event,
		"changes": changes, "who": who,
		"reference": nil, "reference_origin": nil, "metadata": nil,
	}}
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
