package simulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// input is the resource object of a create or update request body.
type input struct {
	typ   string
	id    *string
	attrs map[string]any
	rels  map[string]jsonapi.Relationship
}

func errBody(detail string) *apiError {
	e := errBadRequest("INVALID_DATA_FORMAT", detail)
	e.pointer = "/data"
	return e
}

// parseInput decodes {data:{type,id,attributes,relationships}}.
func parseInput(body []byte) (*input, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errBody("The request body is missing")
	}
	var doc map[string]json.RawMessage
	if err := jsonapi.Unmarshal(body, &doc); err != nil {
		return nil, errBadRequest("BAD_REQUEST", "The request body is not valid JSON: "+err.Error())
	}
	raw, ok := doc["data"]
	if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, errBody("data is missing")
	}
	var d struct {
		Type          string                     `json:"type"`
		ID            *string                    `json:"id"`
		Attributes    map[string]any             `json:"attributes"`
		Relationships map[string]json.RawMessage `json:"relationships"`
	}
	if err := jsonapi.Unmarshal(raw, &d); err != nil {
		return nil, errBody("data must be a resource object: " + err.Error())
	}
	in := &input{typ: d.Type, id: d.ID, attrs: d.Attributes, rels: map[string]jsonapi.Relationship{}}
	if in.attrs == nil {
		in.attrs = map[string]any{}
	}
	for name, rawRel := range d.Relationships {
		var probe map[string]json.RawMessage
		var rel jsonapi.Relationship
		if jsonapi.Unmarshal(rawRel, &probe) != nil || probe["data"] == nil || jsonapi.Unmarshal(rawRel, &rel) != nil {
			e := errBadRequest("INVALID_LINKS_OBJECT", "relationship "+name+" must be an object with data")
			e.pointer = "/data/relationships/" + name
			return nil, e
		}
		in.rels[name] = rel
	}
	return in, nil
}

// write is one create, update or delete in progress. o is the new state (a
// copy on update), old the stored one (nil on create).
type write struct {
	st       *store
	e        *entity
	o, old   *object
	in       *input
	v        *view // what the caller sees (nil: everything)
	who      map[string]any
	triggers map[string]bool
	manyRels map[string][]string // to-many relationships written
}

func (w *write) creating() bool { return w.old == nil }

// visible tells whether the caller can see o.
func visible(o *object, v *view) bool {
	if v == nil {
		return true
	}
	switch o.typ {
	case "users", "identity_providers":
		return true
	case "application_memberships":
		// "All your application memberships plus all those of the
		// organizations of which you are admin" (docs: provisioning/
		// api-reference/application_memberships/list). Assumption: "yours"
		// are those of your membership; those of a membership profile are
		// seen by the organization's admins only.
		org := o.orgID()
		mine := v.memberships[org]
		return v.admin[org] || mine != nil && o.rels["membership"] == mine.id
	}
	return v.orgs[o.orgID()]
}

// permit rejects (400) attributes and relationships the operation does not accept.
func (w *write) permit() []*apiError {
	var errs []*apiError
	allowed := func(f flag) bool {
		if w.creating() {
			return f&fCreate != 0
		}
		return f&fUpdate != 0
	}
	for _, name := range slices.Sorted(mapsKeys(w.in.attrs)) {
		if d := w.e.attr(name); d == nil || !allowed(d.flags) {
			errs = append(errs, errParamNotAllowed("/data/attributes/"+name, name))
		}
	}
	for _, name := range slices.Sorted(mapsKeys(w.in.rels)) {
		rd := w.e.rel(name)
		if rd == nil || !allowed(rd.flags) {
			errs = append(errs, errParamNotAllowed("/data/relationships/"+name, name))
			continue
		}
		rel := w.in.rels[name]
		if rel.IsMany != rd.many {
			e := errBadRequest("INVALID_LINKS_OBJECT", "relationship "+name+" must be a "+map[bool]string{true: "to-many (array)", false: "to-one (object or null)"}[rd.many]+" relationship")
			e.pointer = "/data/relationships/" + name
			errs = append(errs, e)
			continue
		}
		ids := append([]jsonapi.Identifier{}, rel.Many...)
		if rel.One != nil {
			ids = append(ids, *rel.One)
		}
		for _, id := range ids {
			if id.Type != rd.target || id.ID == "" {
				e := errBadRequest("TYPE_MISMATCH", "relationship "+name+" must point at "+rd.target+" with an id")
				e.pointer = "/data/relationships/" + name + "/data"
				errs = append(errs, e)
				break
			}
		}
	}
	return errs
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func typeError(d *attrDef, v any) string {
	switch d.kind {
	case kString:
		if _, ok := v.(string); !ok {
			return "must be a string"
		}
	case kBool:
		if _, ok := v.(bool); !ok {
			return "must be a boolean"
		}
	case kInt:
		n, ok := v.(json.Number)
		if !ok {
			return "must be an integer"
		}
		if _, err := n.Int64(); err != nil {
			return "must be an integer"
		}
	case kNumber:
		if _, ok := v.(json.Number); !ok {
			return "is not a number"
		}
	case kObject:
		if _, ok := v.(map[string]any); !ok {
			return "must be an object"
		}
	}
	return ""
}

// assign copies the input onto w.o, collecting validation errors (422).
func (w *write) assign() []*apiError {
	var errs []*apiError
	e, o := w.e, w.o
	for _, name := range slices.Sorted(mapsKeys(w.in.attrs)) {
		d, v := e.attr(name), w.in.attrs[name]
		if v == nil {
			if d.has(fRequired) || !w.creating() && !d.has(fNullable) {
				errs = append(errs, errAttr(name, "can't be blank"))
				continue
			}
			if !d.has(fTrigger) {
				o.attrs[name] = nil
			}
			continue
		}
		if msg := typeError(d, v); msg != "" {
			errs = append(errs, errAttr(name, msg))
			continue
		}
		if d.has(fTrigger) {
			if v == true {
				w.triggers[name] = true
			}
			continue
		}
		if s, ok := v.(string); ok {
			if d.has(fRequired) && strings.TrimSpace(s) == "" {
				errs = append(errs, errAttr(name, "can't be blank"))
				continue
			}
			if d.enum != nil && !slices.Contains(d.enum, s) {
				errs = append(errs, errAttr(name, "is not included in the list"))
				continue
			}
		}
		o.attrs[name] = v
	}
	if w.creating() {
		for _, d := range e.attrs {
			if d.has(fTrigger) {
				continue
			}
			if _, sent := w.in.attrs[d.name]; !sent && d.has(fRequired) {
				errs = append(errs, errAttr(d.name, "can't be blank"))
			}
			if o.attrs[d.name] == nil {
				o.attrs[d.name] = d.def
			}
		}
	}
	for _, name := range slices.Sorted(mapsKeys(w.in.rels)) {
		rd, rel := e.rel(name), w.in.rels[name]
		if rd.many {
			ids := rel.IDs()
			for _, id := range ids {
				if t := w.st.get(rd.target, id); t == nil || !visible(t, w.v) {
					errs = append(errs, errRel(name, "can't be blank"))
					break
				}
			}
			w.manyRels[name] = ids
			continue
		}
		id := rel.ID()
		if id == "" {
			if rd.has(fRequired) && (w.creating() || !rd.has(fNullable)) {
				errs = append(errs, errRel(name, "can't be blank"))
			}
			o.rels[name] = ""
			continue
		}
		if t := w.st.get(rd.target, id); t == nil || !visible(t, w.v) {
			errs = append(errs, errRel(name, "can't be blank"))
			continue
		}
		o.rels[name] = id
	}
	if w.creating() {
		for _, rd := range e.rels {
			if _, sent := w.in.rels[rd.name]; !sent && rd.has(fRequired) {
				errs = append(errs, errRel(rd.name, "can't be blank"))
			}
		}
	}
	return errs
}

// sameOrg checks that every related object belongs to w.o's organization.
func (w *write) sameOrg() []*apiError {
	org := w.o.rels["organization"]
	if org == "" || !w.e.orgScoped() {
		return nil
	}
	var errs []*apiError
	check := func(name, typ, id string) bool {
		t := w.st.get(typ, id)
		if t != nil && entityByType[typ].orgScoped() && t.orgID() != org {
			errs = append(errs, errRel(name, "must belong to the same organization"))
			return false
		}
		return true
	}
	for _, rd := range w.e.rels {
		if rd.name == "organization" {
			continue
		}
		if rd.many {
			for _, id := range w.manyRels[rd.name] {
				if !check(rd.name, rd.target, id) {
					break
				}
			}
		} else if id := w.o.rels[rd.name]; id != "" {
			check(rd.name, rd.target, id)
		}
	}
	return errs
}

// run validates and saves a create or an update. It returns the errors to
// answer with, if any.
func (w *write) run() []*apiError {
	w.triggers = map[string]bool{}
	w.manyRels = map[string][]string{}
	if errs := w.permit(); len(errs) > 0 {
		return errs
	}
	errs := w.assign()
	if err := w.authorize(); err != nil {
		return []*apiError{err}
	}
	errs = append(errs, w.sameOrg()...)
	if len(errs) > 0 {
		return errs
	}
	if w.e.validate != nil {
		errs = w.e.validate(w)
		for _, err := range errs {
			if err.status != http.StatusUnprocessableEntity {
				return []*apiError{err}
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	w.save()
	return nil
}

// authorize applies the entity's own check and, for admin-only types, the
// signed-in user's role in the organization.
func (w *write) authorize() *apiError {
	if w.e.authorize != nil {
		if err := w.e.authorize(w); err != nil {
			return err
		}
	}
	if !w.e.adminOnly || w.v == nil {
		return nil
	}
	if w.o.typ == "memberships" && w.old != nil && w.in == nil && strings.EqualFold(w.old.str("user_email"), w.st.userEmail()) {
		return nil // anyone may delete their own membership
	}
	org := w.o.orgID()
	if w.o.typ == "permissions" && org == "" { // derived from the role later: check the role's
		if role := w.st.get("roles", w.o.rels["role"]); role != nil {
			org = role.orgID()
		}
	}
	if !w.st.isAdmin(org) {
		return errNotPermitted("an admin role in the organization is required")
	}
	return nil
}

// isAdmin tells whether the signed-in user has an admin role in an organization.
func (st *store) isAdmin(orgID string) bool {
	m := st.userMembership(orgID)
	if m == nil {
		return orgID == "" // nothing to check yet: the relationship errors speak
	}
	role := st.get("roles", m.rels["role"])
	return role != nil && role.str("kind") == "admin"
}

func (w *write) save() {
	st, e, o := w.st, w.e, w.o
	if w.creating() {
		st.insert(o)
		if e.versioned && e.typ == "roles" {
			st.recordVersion(o, "create", createChanges(e, o), w.who)
		}
	} else {
		changes := diff(e, w.old, o)
		if len(changes) > 0 || len(w.triggers) > 0 || len(w.manyRels) > 0 {
			o.attrs["updated_at"] = st.timestamp()
		}
		st.put(w.old, o)
		if e.versioned && len(changes) > 0 {
			st.recordVersion(o, "update", changes, w.who)
		}
	}
	for name, ids := range w.manyRels {
		st.relink(o, e.rel(name), ids, w.who)
	}
	if e.afterSave != nil {
		e.afterSave(w)
	}
	st.rederiveAround(o)
}

// relink makes a written to-many relationship hold exactly ids: the listed
// objects are pointed at o; those no longer listed are deleted, since the only
// writable to-many relationships hold application memberships, which cannot
// exist without their membership or membership profile. Assumption: no
// source says what the API does with those left out; deleting them is the
// harshest reading, so a client that ever wrote the list would see its
// application memberships vanish in its tests. The provider never writes
// these lists (it manages application memberships one by one).
func (st *store) relink(o *object, rd *relDef, ids []string, who map[string]any) {
	for _, t := range st.where(rd.target, rd.inverse, o.id) {
		if !slices.Contains(ids, t.id) {
			st.delete(t, who)
		}
	}
	for _, id := range ids {
		t := st.get(rd.target, id)
		if t == nil || t.rels[rd.inverse] == o.id {
			continue
		}
		c := t.clone()
		for _, parent := range []string{"membership", "membership_profile"} {
			c.rels[parent] = ""
		}
		c.rels[rd.inverse] = o.id
		c.attrs["updated_at"] = st.timestamp()
		st.put(t, c)
	}
}

// destroy runs an API DELETE.
func (w *write) destroy() *apiError {
	if err := w.authorize(); err != nil {
		return err
	}
	if w.e.beforeDelete != nil {
		if err := w.e.beforeDelete(w); err != nil {
			return err
		}
	}
	w.st.delete(w.old, w.who)
	return nil
}
