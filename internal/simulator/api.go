package simulator

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// response is a complete HTTP response, built before anything is written so
// that faults can delay or drop it and OnExchange can see it.
type response struct {
	status int
	header http.Header
	body   []byte
}

func newResponse(status int) *response { return &response{status: status, header: http.Header{}} }

func jsonResponse(status int, contentType string, v any) *response {
	resp := newResponse(status)
	b, err := json.Marshal(v)
	if err != nil {
		return errorResponse(errServer(http.StatusInternalServerError))
	}
	resp.header.Set("Content-Type", contentType)
	resp.body = b
	return resp
}

func errorResponse(errs ...*apiError) *response {
	status, doc := errorDocument(errs)
	return jsonResponse(status, jsonapi.MediaType, doc)
}

type routeKind int

const (
	rCollection routeKind = iota
	rObject
	rRelated
	rAction
	rSingleton
)

type route struct {
	kind    routeKind
	e       *entity
	id      string
	rel     *relDef
	action  string
	methods []string
}

// resolveRoute maps the escaped path after /api/ to a route of the spec.
// It splits on the slashes of the path as sent and unescapes each segment
// after, so that an encoded slash (%2F) stays inside its segment: the id
// "X%2Forganization" is the id "X/organization", unknown, not the related
// route /memberships/X/organization. Assumption: the API does the same, as
// a Rails router most likely does (it matches the path as sent and
// unescapes the parameters it captured after); no source shows the
// Provisioning API's answer.
func resolveRoute(rest string) *route {
	segs := strings.Split(rest, "/")
	for i, s := range segs {
		if s == "" {
			return nil
		}
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil
		}
		segs[i] = u
	}
	e := entityByPath[segs[0]]
	if e == nil {
		return nil
	}
	if e.singleton {
		if len(segs) != 1 {
			return nil
		}
		return &route{kind: rSingleton, e: e, methods: []string{http.MethodGet, http.MethodPatch}}
	}
	rt := &route{e: e}
	add := func(ok bool, m string) {
		if ok {
			rt.methods = append(rt.methods, m)
		}
	}
	switch len(segs) {
	case 1:
		rt.kind = rCollection
		add(e.list, http.MethodGet)
		add(e.create, http.MethodPost)
	case 2:
		rt.kind, rt.id = rObject, segs[1]
		add(e.get, http.MethodGet)
		add(e.update, http.MethodPatch)
		add(e.destroy, http.MethodDelete)
	case 3:
		rt.id = segs[1]
		switch {
		case e.typ == "memberships" && segs[2] == "resend":
			rt.kind, rt.action = rAction, "resend"
			add(true, http.MethodPost)
		case e.typ == "organizations" && segs[2] == "transfer_ownership":
			rt.kind, rt.action = rAction, "transfer_ownership"
			add(true, http.MethodPatch)
		default:
			if rt.rel = e.rel(segs[2]); rt.rel == nil {
				return nil
			}
			rt.kind = rRelated
			add(true, http.MethodGet)
		}
	default:
		return nil
	}
	return rt
}

// handle answers one request (faults and rate limits aside).
func (s *Simulator) handle(r *http.Request, body []byte) *response {
	switch r.URL.Path {
	case "/oauth/token":
		return s.handleToken(r, body)
	case revokePath:
		return s.handleRevoke(r, body)
	case jwksPath:
		return handleJWKS(r)
	}
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/api/")
	var rt *route
	if ok {
		rt = resolveRoute(rest)
	}
	if rt == nil {
		return errorResponse(errRouteNotFound(r.URL.Path))
	}
	// A method the path does not have (DELETE on organizations, roles and
	// permissions, writes to versions): 405, "The request method is known by
	// the server but has been disabled and cannot be used" (Core
	// handling-errors table). Assumption: the Provisioning API answers so
	// rather than 404; no source shows either.
	if !slices.Contains(rt.methods, r.Method) {
		resp := errorResponse(errMethodNotAllowed(r.Method, r.URL.Path))
		resp.header.Set("Allow", strings.Join(rt.methods, ", "))
		return resp
	}
	if err := s.checkBearer(r); err != nil {
		resp := errorResponse(err)
		resp.header.Set("WWW-Authenticate", `Bearer realm="Commerce Layer", error="invalid_token"`)
		return resp
	}
	if !acceptable(r.Header.Values("Accept")) {
		return errorResponse(errNotAcceptable())
	}
	if (r.Method == http.MethodPost || r.Method == http.MethodPatch) && len(body) > 0 {
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != jsonapi.MediaType {
			return errorResponse(errUnsupportedMediaType())
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{s: s, st: s.st, r: r, body: body, rt: rt, v: s.st.caller(), lag: s.lagFor(r)}
	c.base = "http://" + r.Host
	if r.TLS != nil {
		c.base = "https://" + r.Host
	}
	return c.dispatch()
}

// acceptable: no Accept, or one that admits the JSON:API media type.
func acceptable(values []string) bool {
	if len(values) == 0 {
		return true
	}
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			if mt == "*/*" || mt == "application/*" || mt == jsonapi.MediaType {
				return true
			}
		}
	}
	return strings.TrimSpace(strings.Join(values, "")) == ""
}

// call is one API request being served, with the store locked.
type call struct {
	s    *Simulator
	st   *store
	r    *http.Request
	body []byte
	rt   *route
	v    *view // what the caller sees
	lag  lag   // what the read replica answering a GET does not have yet
	base string
}

func (c *call) dispatch() *response {
	rt := c.rt
	switch rt.kind {
	case rCollection:
		if c.r.Method == http.MethodPost {
			return c.create()
		}
		return c.list(rt.e, c.st.all(rt.e.typ))
	case rObject, rSingleton:
		o := c.find(rt.e, rt.id)
		if o == nil {
			return errorResponse(errNotFound())
		}
		switch c.r.Method {
		case http.MethodGet:
			return c.show(rt.e, o, http.StatusOK)
		case http.MethodPatch:
			return c.update(o)
		default:
			return c.delete(o)
		}
	case rRelated:
		o := c.find(rt.e, rt.id)
		if o == nil {
			return errorResponse(errNotFound())
		}
		target := entityByType[rt.rel.target]
		var objs []*object
		for _, id := range c.st.relIDs(o, rt.rel) {
			if t := c.st.get(target.typ, id); c.sees(t) {
				objs = append(objs, t)
			}
		}
		if rt.rel.many {
			return c.list(target, objs)
		}
		var one *object
		if len(objs) > 0 {
			one = objs[0]
		}
		return c.show(target, one, http.StatusOK)
	}
	o := c.find(rt.e, rt.id)
	if o == nil {
		return errorResponse(errNotFound())
	}
	if rt.action == "resend" {
		return c.resend(o)
	}
	return c.transferOwnership(o)
}

// find returns a visible object (the user for the singleton).
func (c *call) find(e *entity, id string) *object {
	if e.singleton {
		return c.st.user()
	}
	o := c.st.get(e.typ, id)
	if o == nil || !c.sees(o) {
		return nil
	}
	return o
}

// sees: the caller may see o, and the store answering the request has it.
func (c *call) sees(o *object) bool { return visible(o, c.v) && !c.lag.hides(o) }

func (c *call) query(e *entity, list bool) (*query, *apiError) {
	return parseQuery(e, c.r.URL.Query(), list)
}

func (c *call) document(status int, doc *jsonapi.Document, err error) *response {
	if err != nil {
		return errorResponse(errServer(http.StatusInternalServerError))
	}
	return jsonResponse(status, jsonapi.MediaType, doc)
}

func (c *call) show(e *entity, o *object, status int) *response {
	q, qerr := c.query(e, false)
	if qerr != nil {
		return errorResponse(qerr)
	}
	doc, err := newRenderer(c.st, c.v, c.lag, c.base, q).one(o)
	return c.document(status, doc, err)
}

func (c *call) list(e *entity, objs []*object) *response {
	q, qerr := c.query(e, true)
	if qerr != nil {
		return errorResponse(qerr)
	}
	var vis []*object
	for _, o := range byIDIn(objs, q) {
		if c.sees(o) {
			vis = append(vis, o)
		}
	}
	page, total := c.st.apply(e, vis, q)
	doc, err := newRenderer(c.st, c.v, c.lag, c.base, q).many(page)
	if err != nil {
		return c.document(0, nil, err)
	}
	u, _ := url.Parse(c.base + c.r.URL.EscapedPath())
	u.RawQuery = c.r.URL.RawQuery
	doc.Meta, doc.Links = pageLinks(u, q, total)
	return c.document(http.StatusOK, doc, nil)
}

func (c *call) newWrite(e *entity, in *input, old *object) *write {
	w := &write{st: c.st, e: e, in: in, old: old, v: c.v, who: c.st.whoToken()}
	if old != nil {
		w.o = old.clone()
	} else {
		w.o = &object{typ: e.typ, attrs: map[string]any{}, rels: map[string]string{}}
	}
	return w
}

// parseWrite decodes the body of a create or update and checks type and id.
func (c *call) parseWrite(e *entity, id string) (*input, *apiError) {
	if _, qerr := c.query(e, false); qerr != nil {
		return nil, qerr
	}
	in, err := parseInput(c.body)
	if err != nil {
		return nil, err
	}
	if in.typ != e.typ {
		e := errBadRequest("INVALID_RESOURCE", "data.type must be "+e.typ)
		e.pointer = "/data/type"
		return nil, e
	}
	switch {
	case id == "" && in.id != nil:
		return nil, errParamNotAllowed("/data/id", "id")
	case id != "" && (in.id == nil && !e.singleton || in.id != nil && *in.id != id):
		e := errBadRequest("KEY_NOT_INCLUDED_IN_URL", "The resource id in the body does not match the id in the URL")
		e.pointer = "/data/id"
		return nil, e
	}
	return in, nil
}

func (c *call) create() *response {
	e := c.rt.e
	in, perr := c.parseWrite(e, "")
	if perr != nil {
		return errorResponse(perr)
	}
	w := c.newWrite(e, in, nil)
	if errs := w.run(); len(errs) > 0 {
		return errorResponse(errs...)
	}
	// What the caller may see now includes what the create made (a new
	// organization's roles, its owner membership).
	c.v = c.st.caller()
	return c.show(e, w.o, http.StatusCreated)
}

func (c *call) update(old *object) *response {
	e := c.rt.e
	in, perr := c.parseWrite(e, old.id)
	if perr != nil {
		return errorResponse(perr)
	}
	w := c.newWrite(e, in, old)
	if errs := w.run(); len(errs) > 0 {
		return errorResponse(errs...)
	}
	return c.show(e, w.o, http.StatusOK)
}

func (c *call) delete(old *object) *response {
	w := c.newWrite(c.rt.e, nil, old)
	w.o = old
	if err := w.destroy(); err != nil {
		return errorResponse(err)
	}
	return newResponse(http.StatusNoContent)
}

func (c *call) resend(m *object) *response {
	w := c.newWrite(c.rt.e, nil, m)
	w.o = m
	if err := w.authorize(); err != nil {
		return errorResponse(err)
	}
	if m.str("status") != "pending" {
		return errorResponse(errBase("The invitation cannot be resent: the membership is already active"))
	}
	return newResponse(http.StatusAccepted)
}

func (c *call) transferOwnership(org *object) *response {
	in, perr := c.parseWrite(c.rt.e, org.id)
	if perr != nil {
		return errorResponse(perr)
	}
	for name := range in.attrs {
		if name != "new_owner_email" {
			return errorResponse(errParamNotAllowed("/data/attributes/"+name, name))
		}
	}
	for name := range in.rels {
		return errorResponse(errParamNotAllowed("/data/relationships/"+name, name))
	}
	mine := c.st.userMembership(org.id)
	if mine == nil || mine.attrs["owner"] != true {
		return errorResponse(errNotPermitted("only the owner of the organization can transfer its ownership"))
	}
	email, _ := in.attrs["new_owner_email"].(string)
	if strings.TrimSpace(email) == "" {
		return errorResponse(errAttr("new_owner_email", "can't be blank"))
	}
	var target *object
	for _, m := range c.st.where("memberships", "organization", org.id) {
		if strings.EqualFold(m.str("user_email"), email) {
			target = m
		}
	}
	// Assumption: "the target must already be a member" (docs:
	// organizations/transfer_ownership) is read strictly: an invitation not
	// yet accepted (status pending) does not make a member.
	switch {
	case target == nil:
		return errorResponse(errAttr("new_owner_email", "must be the email of a member of the organization"))
	case target.str("status") != "active":
		return errorResponse(errAttr("new_owner_email", "must be the email of a member who has accepted the invitation"))
	case target.id == mine.id:
		return errorResponse(errAttr("new_owner_email", "is already the owner of the organization"))
	}
	admin := ""
	for _, r := range c.st.where("roles", "organization", org.id) {
		if r.str("kind") == "admin" {
			admin = r.id
			break
		}
	}
	who := c.st.whoToken()
	demoted := mine.clone()
	demoted.attrs["owner"] = false
	c.st.replace(mine, demoted, who)
	promoted := target.clone()
	promoted.attrs["owner"] = true
	promoted.rels["role"] = admin
	c.st.replace(target, promoted, who)
	return newResponse(http.StatusAccepted)
}
