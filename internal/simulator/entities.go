package simulator

// kind is the JSON type of an attribute.
type kind int

const (
	kString kind = iota
	kBool
	kInt
	kNumber
	kObject
	kTime // an ISO-8601 string maintained by the simulator
)

// flag describes how an attribute or relationship may be used.
type flag uint16

const (
	fCreate   flag = 1 << iota // writable on create
	fUpdate                    // writable on update
	fRequired                  // required on create
	fNullable                  // an explicit null is accepted (and clears the value)
	fSort                      // usable in sort=
	fFilter                    // usable in filter[q][...]
	fTrigger                   // write-only trigger: accepted, never stored nor rendered
	fSecret                    // rendered masked when the store masks secrets (see maskSecret)
)

const fWrite = fCreate | fUpdate

type attrDef struct {
	name  string
	kind  kind
	flags flag
	enum  []string
	def   any // value given on create when the attribute is absent or null
}

func (a *attrDef) has(f flag) bool { return a.flags&f != 0 }

// relDef is a relationship. To-one relationships are stored on the object
// (object.rels). To-many relationships are derived: the objects of type
// target whose to-one relationship inverse points back (or, for versions, the
// versions recorded for the object).
type relDef struct {
	name    string
	target  string
	many    bool
	flags   flag
	inverse string
}

func (r *relDef) has(f flag) bool { return r.flags&f != 0 }

// entity is one resource type of the API. Business rules live in the hook
// functions, set in the file of each type; everything else is table-driven.
type entity struct {
	typ       string
	attrs     []attrDef
	rels      []relDef
	list      bool
	get       bool
	create    bool
	update    bool
	destroy   bool
	singleton bool // GET/PATCH /api/<singleton>, no id in the path (user)
	path      string
	versioned bool
	// adminOnly: writes need the signed-in user's membership in the object's
	// organization to have an admin role (401 otherwise, see errNotPermitted).
	// Documented for api_credentials, application_memberships, memberships
	// and membership_profiles ("Members ... can only list and retrieve
	// them", docs: provisioning/getting-started/authorization). Assumption:
	// the same holds for updating organizations and writing roles and
	// permissions, which no source covers: the stricter reading.
	adminOnly bool

	// authorize runs before anything else of a write (permission checks).
	authorize func(w *write) *apiError
	// validate returns the business-rule errors of a write about to be saved
	// (422 mostly); it may also fill computed attributes of w.o.
	validate func(w *write) []*apiError
	// afterSave runs once the object is stored (side effects).
	afterSave func(w *write)
	// beforeDelete may refuse an API DELETE.
	beforeDelete func(w *write) *apiError
	// cascade runs on every deletion (API or Remove) after the object is gone.
	cascade func(st *store, o *object)
	// derive recomputes derived read-only attributes of o.
	derive func(st *store, o *object)
	// render adjusts the attributes of a response (values computed on read).
	render func(st *store, o *object, attrs map[string]any)
}

func (e *entity) attr(name string) *attrDef {
	for i := range e.attrs {
		if e.attrs[i].name == name {
			return &e.attrs[i]
		}
	}
	return nil
}

func (e *entity) rel(name string) *relDef {
	for i := range e.rels {
		if e.rels[i].name == name {
			return &e.rels[i]
		}
	}
	return nil
}

// orgScoped tells whether objects of e belong to an organization through
// their "organization" relationship.
func (e *entity) orgScoped() bool {
	r := e.rel("organization")
	return r != nil && !r.many
}

func a(name string, k kind, f flag) attrDef { return attrDef{name: name, kind: k, flags: f} }

func withDefault(d attrDef, v any) attrDef { d.def = v; return d }

func withEnum(d attrDef, values ...string) attrDef { d.enum = values; return d }

func one(name, target string, f flag) relDef {
	return relDef{name: name, target: target, flags: f}
}

func many(name, target, inverse string, f flag) relDef {
	return relDef{name: name, target: target, many: true, inverse: inverse, flags: f}
}

var accessScopes = []string{"live_access", "test_access", "all_access"}

// common returns the attributes every resource has: sortable by id and all
// but metadata, filterable by all (source: provisioning-sdk's ResourceSort
// and ResourceFilter types). Relationships stay filterable through their
// attributes (e.g. organization_name_start), as the Core filtering page and
// the SDK README show.
func common(extra ...attrDef) []attrDef {
	return append(extra,
		a("created_at", kTime, fSort|fFilter),
		a("updated_at", kTime, fSort|fFilter),
		a("reference", kString, fWrite|fNullable|fSort|fFilter),
		a("reference_origin", kString, fWrite|fNullable|fSort|fFilter),
		a("metadata", kObject, fWrite|fNullable|fFilter),
	)
}

// entities is the table the whole simulator is driven by: one entry per API
// type, each defined with its business rules in the file named after the
// type (organizations.go, roles.go, ...). Built in init, not in a variable
// initializer, because the rules refer back to the table.
var (
	entities     []*entity
	entityByType map[string]*entity
	entityByPath map[string]*entity // the first path segment after /api
)

func init() {
	entities = []*entity{
		organizationsEntity(),
		rolesEntity(),
		permissionsEntity(),
		membershipsEntity(),
		membershipProfilesEntity(),
		apiCredentialsEntity(),
		applicationMembershipsEntity(),
		identityProvidersEntity(),
		usersEntity(),
		versionsEntity(),
	}
	entityByType = map[string]*entity{}
	entityByPath = map[string]*entity{}
	for _, e := range entities {
		entityByType[e.typ] = e
		p := e.path
		if p == "" {
			p = e.typ
		}
		entityByPath[p] = e
	}
	// Sanity: every relationship points at a known type.
	for _, e := range entities {
		for _, r := range e.rels {
			if entityByType[r.target] == nil {
				panic("simulator: unknown relationship target " + r.target)
			}
			if r.many && r.target != "versions" && entityByType[r.target].rel(r.inverse) == nil {
				panic("simulator: bad inverse " + e.typ + "." + r.name)
			}
		}
	}
}

// sortable tells whether sort= accepts a field of e.
func (e *entity) sortable(name string) bool {
	if name == "id" {
		return true
	}
	d := e.attr(name)
	return d != nil && d.has(fSort)
}
