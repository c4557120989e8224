package simulator

import (
	"maps"
	"slices"
	"strings"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// renderer builds response documents: resource objects, relationship links,
// include and sparse fieldsets.
type renderer struct {
	st       *store
	v        *view  // what the caller sees: included objects are filtered by it
	lag      lag    // what a lagging read replica does not have yet
	base     string // scheme://host
	q        *query
	included map[string]*jsonapi.Resource
	order    []string
	primary  map[string]*jsonapi.Resource
}

func newRenderer(st *store, v *view, l lag, base string, q *query) *renderer {
	if q == nil {
		q = &query{}
	}
	return &renderer{st: st, v: v, lag: l, base: base, q: q, included: map[string]*jsonapi.Resource{}, primary: map[string]*jsonapi.Resource{}}
}

func (r *renderer) selfURL(o *object) string {
	e := entityByType[o.typ]
	if e.singleton {
		return r.base + "/api/" + e.path
	}
	return r.base + "/api/" + o.typ + "/" + o.id
}

// attributes returns every attribute of o as the API shows it.
func attributes(st *store, o *object) map[string]any {
	e := entityByType[o.typ]
	attrs := map[string]any{}
	for _, d := range e.attrs {
		if d.has(fTrigger) {
			continue
		}
		v := o.attrs[d.name]
		if d.has(fSecret) && st.maskSecrets {
			v = maskSecret(v)
		}
		attrs[d.name] = v
	}
	if e.render != nil {
		e.render(st, o, attrs)
	}
	return attrs
}

// maskSecret hides all but the last four characters of a secret.
func maskSecret(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	if len(s) <= 4 {
		return strings.Repeat("*", len(s))
	}
	return strings.Repeat("*", len(s)-4) + s[len(s)-4:]
}

// resource renders o with links only for its relationships.
func (r *renderer) resource(o *object) *jsonapi.Resource {
	e := entityByType[o.typ]
	self := r.selfURL(o)
	res := &jsonapi.Resource{Type: o.typ, ID: o.id, Links: map[string]string{"self": self}}
	fields := r.q.fields[o.typ]
	res.Attributes = attributes(r.st, o)
	if fields != nil {
		maps.DeleteFunc(res.Attributes, func(k string, _ any) bool { return !fields[k] })
	}
	for _, rd := range e.rels {
		if fields != nil && !fields[rd.name] {
			continue
		}
		res.SetRel(rd.name, jsonapi.Relationship{Links: map[string]string{
			"self":    self + "/relationships/" + rd.name,
			"related": self + "/" + rd.name,
		}})
	}
	if res.Attributes == nil {
		res.Attributes = map[string]any{}
	}
	return res
}

// fullResource renders o with the data of every relationship (test hooks).
func fullResource(st *store, o *object) *jsonapi.Resource {
	e := entityByType[o.typ]
	res := &jsonapi.Resource{Type: o.typ, ID: o.id, Attributes: attributes(st, o)}
	for i := range e.rels {
		rd := &e.rels[i]
		res.SetRel(rd.name, relData(rd, st.relIDs(o, rd)))
	}
	return res
}

func relData(rd *relDef, ids []string) jsonapi.Relationship {
	if rd.many {
		return jsonapi.ToMany(rd.target, ids...)
	}
	if len(ids) == 0 {
		return jsonapi.ToOne(rd.target, "")
	}
	return jsonapi.ToOne(rd.target, ids[0])
}

func key(typ, id string) string { return typ + "/" + id }

// addPrimary renders a primary resource and follows the include paths.
func (r *renderer) addPrimary(o *object) *jsonapi.Resource {
	res := r.resource(o)
	r.primary[key(o.typ, o.id)] = res
	for _, path := range r.q.include {
		r.follow(o, res, path)
	}
	return res
}

func (r *renderer) follow(o *object, res *jsonapi.Resource, path []string) {
	e := entityByType[o.typ]
	rd := e.rel(path[0])
	ids := slices.DeleteFunc(r.st.relIDs(o, rd), func(id string) bool {
		t := r.st.get(rd.target, id)
		return !visible(t, r.v) || r.lag.hides(t)
	})
	rel := res.Relationships[rd.name]
	data := relData(rd, ids)
	rel.HasData, rel.IsMany, rel.One, rel.Many = true, data.IsMany, data.One, data.Many
	res.SetRel(rd.name, rel)
	for _, id := range ids {
		t := r.st.get(rd.target, id)
		k := key(t.typ, t.id)
		tr := r.primary[k]
		if tr == nil {
			tr = r.included[k]
		}
		if tr == nil {
			tr = r.resource(t)
			r.included[k] = tr
			r.order = append(r.order, k)
		}
		if len(path) > 1 {
			r.follow(t, tr, path[1:])
		}
	}
}

func (r *renderer) includedList() []jsonapi.Resource {
	var out []jsonapi.Resource
	for _, k := range r.order {
		if _, isPrimary := r.primary[k]; isPrimary {
			continue
		}
		out = append(out, *r.included[k])
	}
	return out
}

// one builds the document of a single object (or data: null).
func (r *renderer) one(o *object) (*jsonapi.Document, error) {
	if o == nil {
		return &jsonapi.Document{Data: []byte("null")}, nil
	}
	doc, err := jsonapi.NewOne(r.addPrimary(o))
	if err != nil {
		return nil, err
	}
	doc.Included = r.includedList()
	return doc, nil
}

// many builds the document of a list page.
func (r *renderer) many(objs []*object) (*jsonapi.Document, error) {
	list := make([]jsonapi.Resource, 0, len(objs))
	ptrs := make([]*jsonapi.Resource, 0, len(objs))
	for _, o := range objs {
		ptrs = append(ptrs, r.addPrimary(o))
	}
	for _, p := range ptrs {
		list = append(list, *p)
	}
	doc, err := jsonapi.NewMany(list)
	if err != nil {
		return nil, err
	}
	doc.Included = r.includedList()
	return doc, nil
}
