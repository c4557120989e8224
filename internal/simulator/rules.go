package simulator

import (
	"encoding/json"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// installRules attaches the business rules to the entity table.
func installRules() {
	org := entityByType["organizations"]
	org.validate = validateOrganization
	org.afterSave = seedOrganization
	org.render = renderOrganization
	org.cascade = func(st *store, o *object) {
		delete(st.plans, o.id)
		for _, typ := range []string{"application_memberships", "api_credentials", "memberships", "membership_profiles", "permissions", "roles"} {
			for _, x := range st.where(typ, "organization", o.id) {
				st.delete(x, whoDashboard())
			}
		}
	}

	role := entityByType["roles"]
	role.authorize = func(w *write) *apiError {
		// A missing organization is left to the 422 of the relationship.
		if org := w.o.rels["organization"]; w.creating() && org != "" && !w.st.isEnterprise(org) {
			return errForbidden("Custom roles are available on Enterprise plans only")
		}
		return nil
	}
	role.validate = func(w *write) []*apiError {
		if w.creating() {
			w.o.attrs["kind"] = "custom"
		}
		return nil
	}
	role.cascade = func(st *store, o *object) {
		for _, p := range st.where("permissions", "role", o.id) {
			st.delete(p, whoDashboard())
		}
	}

	perm := entityByType["permissions"]
	perm.validate = validatePermission

	mem := entityByType["memberships"]
	mem.validate = validateMembership
	mem.derive = deriveTestEnabled
	mem.beforeDelete = func(w *write) *apiError {
		if w.old.attrs["owner"] == true {
			e := errBase("The owner's membership cannot be deleted: transfer the ownership of the organization first (PATCH /api/organizations/{id}/transfer_ownership)")
			return e
		}
		return nil
	}
	mem.cascade = deleteChildren("membership")

	prof := entityByType["membership_profiles"]
	prof.validate = func(w *write) []*apiError { return uniqueAppCredentials(w, "application_memberships") }
	prof.derive = deriveTestEnabled
	prof.cascade = func(st *store, o *object) {
		deleteChildren("membership_profile")(st, o)
		for _, m := range st.where("memberships", "membership_profile", o.id) {
			m.rels["membership_profile"] = ""
		}
	}

	cred := entityByType["api_credentials"]
	cred.validate = validateAPICredential
	cred.cascade = deleteChildren("api_credential")

	am := entityByType["application_memberships"]
	am.validate = validateApplicationMembership

	idp := entityByType["identity_providers"]
	idp.authorize = func(w *write) *apiError {
		owned := w.st.ownedOrganizations()
		if len(owned) == 0 {
			return errForbidden("Identity providers can be changed by an organization owner only")
		}
		for _, org := range owned {
			if w.st.isEnterprise(org) {
				return nil
			}
		}
		return errForbidden("Identity providers can be changed on Enterprise plans only")
	}
	idp.validate = validateIdentityProvider

	user := entityByType["users"]
	user.validate = validateUser
	user.afterSave = func(w *write) { w.st.syncUser(w.old.str("email"), w.o) }
}

// syncUser makes the memberships of the signed-in user, found by the email
// it had, follow its current email and names.
func (st *store) syncUser(oldEmail string, u *object) {
	for _, m := range st.objs["memberships"] {
		if strings.EqualFold(m.str("user_email"), oldEmail) {
			m.attrs["user_email"] = u.attrs["email"]
			m.attrs["user_first_name"] = u.attrs["first_name"]
			m.attrs["user_last_name"] = u.attrs["last_name"]
		}
	}
}

// deleteChildren deletes the application memberships that point at o.
func deleteChildren(rel string) func(st *store, o *object) {
	return func(st *store, o *object) {
		for _, x := range st.where("application_memberships", rel, o.id) {
			st.delete(x, whoDashboard())
		}
	}
}

var hexColor = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

func validateOrganization(w *write) []*apiError {
	var errs []*apiError
	for _, name := range []string{"primary_color", "contrast_color"} {
		if s, ok := w.o.attrs[name].(string); ok && !hexColor.MatchString(s) {
			errs = append(errs, errAttr(name, "must be a HEX colour such as #RRGGBB"))
		}
	}
	if w.creating() {
		slug := w.st.uniqueSlug(w.o.str("name"))
		w.o.attrs["slug"] = slug
		w.o.attrs["domain"] = slug + ".commercelayer.io"
	}
	return errs
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func (st *store) uniqueSlug(name string) string {
	base := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if base == "" {
		base = "organization"
	}
	taken := map[string]bool{}
	for _, o := range st.objs["organizations"] {
		taken[o.str("slug")] = true
	}
	slug := base
	for n := 2; taken[slug]; n++ {
		slug = base + "-" + strconv.Itoa(n)
	}
	return slug
}

// seedOrganization creates what comes with a new organization: the admin and
// read_only roles, the owner membership and two "resources" credentials.
func seedOrganization(w *write) {
	if !w.creating() {
		return
	}
	st, org := w.st, w.o
	st.plans[org.id] = st.enterprise
	rels := func() map[string]string { return map[string]string{"organization": org.id} }
	roleIDs := map[string]string{}
	for _, kind := range []string{"admin", "read_only"} {
		r := &object{typ: "roles", rels: rels(), attrs: map[string]any{
			"name": kind, "kind": kind, "reference": nil, "reference_origin": nil, "metadata": nil,
		}}
		st.insert(r)
		st.recordVersion(r, "create", createChanges(entityByType["roles"], r), w.who)
		roleIDs[kind] = r.id
	}
	u := st.user()
	m := &object{typ: "memberships", rels: rels(), attrs: map[string]any{
		"user_email": u.attrs["email"], "user_first_name": u.attrs["first_name"], "user_last_name": u.attrs["last_name"],
		"status": "active", "owner": true, "access_scope": "live_access", "test_enabled": false,
		"reference": nil, "reference_origin": nil, "metadata": nil,
	}}
	m.rels["role"] = roleIDs["admin"]
	m.rels["membership_profile"] = ""
	st.insert(m)
	for _, mode := range []string{"test", "live"} {
		c := &object{typ: "api_credentials", rels: rels(), attrs: map[string]any{
			"name": "Resources (" + mode + ")", "kind": "resources", "mode": mode, "custom": false,
			"confidential": true, "redirect_uri": nil, "expires_in": json.Number("7200"),
			"client_id": randString(43), "client_secret": randString(43), "scopes": "market:all",
			"reference": nil, "reference_origin": nil, "metadata": nil,
		}}
		c.rels["role"] = ""
		st.insert(c)
	}
}

// ownedOrganizations are the ids of the organizations the signed-in user owns.
func (st *store) ownedOrganizations() []string {
	var out []string
	email := st.userEmail()
	for _, m := range st.all("memberships") {
		if m.attrs["owner"] == true && strings.EqualFold(m.str("user_email"), email) {
			out = append(out, m.rels["organization"])
		}
	}
	return out
}

// renderOrganization computes subscription_info from the plan and the store.
func renderOrganization(st *store, o *object, attrs map[string]any) {
	if _, ok := attrs["subscription_info"]; !ok {
		return
	}
	plan, limits := "growth", map[string]any{"organizations": 2, "memberships": 5, "markets": 5, "skus": 10000}
	if st.isEnterprise(o.id) {
		plan, limits = "enterprise", map[string]any{"organizations": 10, "memberships": 100, "markets": 100, "skus": 1000000}
	}
	attrs["subscription_info"] = map[string]any{
		"plan_type": plan,
		"limits":    limits,
		"totals": map[string]any{
			"organizations": len(st.ownedOrganizations()),
			"memberships":   len(st.where("memberships", "organization", o.id)),
			"markets":       0,
			"skus":          0,
		},
	}
}

func validatePermission(w *write) []*apiError {
	var errs []*apiError
	if !w.creating() {
		return nil
	}
	role := w.st.get("roles", w.o.rels["role"])
	w.o.rels["organization"] = role.rels["organization"]
	w.o.attrs["restrictions"] = map[string]any{}
	if role.str("kind") != "custom" {
		errs = append(errs, errRel("role", "must be a custom role: permissions of the admin and read_only roles cannot be changed"))
	}
	for _, p := range w.st.where("permissions", "role", role.id) {
		if p.str("subject") == w.o.str("subject") {
			errs = append(errs, errAttr("subject", "has already been taken"))
		}
	}
	return errs
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

func validateMembership(w *write) []*apiError {
	var errs []*apiError
	o := w.o
	if w.creating() {
		email := o.str("user_email")
		if !validEmail(email) {
			errs = append(errs, errAttr("user_email", "is invalid"))
		}
		for _, m := range w.st.where("memberships", "organization", o.rels["organization"]) {
			if strings.EqualFold(m.str("user_email"), email) {
				errs = append(errs, errAttr("user_email", "has already been taken"))
			}
		}
		o.attrs["owner"] = false
		o.attrs["status"] = "pending"
		if u, ok := w.st.knownUser(email); ok {
			o.attrs["status"] = "active"
			o.attrs["user_first_name"], o.attrs["user_last_name"] = u.first, u.last
		}
	}
	if w.old != nil && w.old.attrs["owner"] == true {
		if role := w.st.get("roles", o.rels["role"]); role != nil && role.str("kind") != "admin" {
			errs = append(errs, errRel("role", "of the organization owner must be admin"))
		}
	}
	errs = append(errs, uniqueAppCredentials(w, "application_memberships")...)
	deriveTestEnabled(w.st, o)
	return errs
}

// uniqueAppCredentials: the application memberships written into a
// membership or profile may not repeat an API credential.
func uniqueAppCredentials(w *write, rel string) []*apiError {
	ids, ok := w.manyRels[rel]
	if !ok {
		return nil
	}
	seen := map[string]bool{}
	for _, id := range ids {
		am := w.st.get("application_memberships", id)
		if seen[am.rels["api_credential"]] {
			return []*apiError{errRel(rel, "has already been taken: one application membership per API credential")}
		}
		seen[am.rels["api_credential"]] = true
	}
	return nil
}

// deriveTestEnabled: test access as the documented rules give it. A
// membership's profile, when it has one, wins over its own access_scope.
func deriveTestEnabled(st *store, o *object) {
	scope := o.attrs["access_scope"]
	if o.typ == "memberships" {
		if p := st.get("membership_profiles", o.rels["membership_profile"]); p != nil {
			scope = p.attrs["access_scope"]
		}
	}
	o.attrs["test_enabled"] = scope == "test_access" || scope == "all_access"
}

// apiCredentialKinds are the kinds an API credential can be created with:
// the three application kinds and the Dashboard apps that can be forked.
// "resources" credentials come with an organization and cannot be created.
var apiCredentialKinds = []string{
	"sales_channel", "integration", "webapp",
	"customers", "exports", "imports", "inventory", "orders", "price_lists", "promotions",
	"returns", "shipments", "sku_lists", "skus", "stock_transfers", "tags", "webhooks",
}

func expiresIn(o *object) (int64, error) {
	n, _ := o.attrs["expires_in"].(json.Number)
	return n.Int64()
}

func validateAPICredential(w *write) []*apiError {
	var errs []*apiError
	o := w.o
	kind := o.str("kind")
	if w.creating() {
		if !slices.Contains(apiCredentialKinds, kind) {
			errs = append(errs, errAttr("kind", "is not included in the list"))
		}
		o.attrs["confidential"] = kind != "sales_channel"
		o.attrs["client_id"] = randString(43)
		o.attrs["client_secret"] = nil
		if kind != "sales_channel" {
			o.attrs["client_secret"] = randString(43)
		}
		o.attrs["scopes"] = "market:all"
		if m := o.str("mode"); m != "test" && m != "live" {
			errs = append(errs, errAttr("mode", "is not included in the list"))
		}
	}
	if o.attrs["expires_in"] == nil {
		def := "7200"
		if kind == "sales_channel" {
			def = "14400"
		}
		o.attrs["expires_in"] = json.Number(def)
	}
	if n, err := expiresIn(o); err != nil || n < 7200 || n > 31536000 {
		errs = append(errs, errAttr("expires_in", "must be between 7200 and 31536000"))
	}
	hasRole := o.rels["role"] != ""
	switch {
	case kind == "integration" && !hasRole:
		errs = append(errs, errRel("role", "is required for integration API credentials"))
	case (kind == "sales_channel" || kind == "webapp") && hasRole:
		errs = append(errs, errRel("role", "is not allowed for "+kind+" API credentials"))
	}
	return errs
}

func validateApplicationMembership(w *write) []*apiError {
	var errs []*apiError
	o := w.o
	hasM, hasP := o.rels["membership"] != "", o.rels["membership_profile"] != ""
	if hasM == hasP {
		name := "membership"
		if !w.creating() {
			name = "membership_profile"
		}
		errs = append(errs, errRel(name, "exactly one of membership and membership_profile is required"))
	}
	for _, x := range w.st.where("application_memberships", "api_credential", o.rels["api_credential"]) {
		if x.id == o.id {
			continue
		}
		if hasM && x.rels["membership"] == o.rels["membership"] {
			errs = append(errs, errRel("api_credential", "has already been taken for this membership"))
		}
		if hasP && x.rels["membership_profile"] == o.rels["membership_profile"] {
			errs = append(errs, errRel("api_credential", "has already been taken for this membership profile"))
		}
	}
	if f, ok := o.attrs["filters"].(map[string]any); ok {
		if _, sent := w.in.attrs["filters"]; sent {
			errs = append(errs, validateFilters(f)...)
		}
	}
	return errs
}

// validateFilters checks the Core predicate syntax of application
// membership filters: <attrs>_<matcher> keys, arrays for *_in / *_not_in.
func validateFilters(f map[string]any) []*apiError {
	var errs []*apiError
	for key, v := range f {
		attrs, matcher, ok := splitPredicate(key, func(string) bool { return true })
		if !ok || strings.HasPrefix(attrs, "_") || strings.HasSuffix(attrs, "_") {
			errs = append(errs, errAttr("filters", "has an invalid predicate "+strconv.Quote(key)+": keys are <attribute>_<matcher>"))
			continue
		}
		if matcher == "in" || matcher == "not_in" {
			if _, isArray := v.([]any); !isArray {
				errs = append(errs, errAttr("filters", "must have an array value for "+strconv.Quote(key)))
			}
		}
	}
	return errs
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

var domainRe = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)

func validateIdentityProvider(w *write) []*apiError {
	var errs []*apiError
	o := w.o
	for _, name := range []string{"token_url", "authorize_url", "jwks_url"} {
		if s, ok := o.attrs[name].(string); ok && !validURL(s) {
			errs = append(errs, errAttr(name, "is not a valid URL"))
		}
	}
	if s, ok := o.attrs["domains"].(string); ok {
		for _, d := range strings.Split(s, ",") {
			if !domainRe.MatchString(d) {
				errs = append(errs, errAttr("domains", "must be a comma-separated list of domains"))
				break
			}
		}
	}
	for _, x := range w.st.objs["identity_providers"] {
		if x.id != o.id && strings.EqualFold(x.str("name"), o.str("name")) {
			errs = append(errs, errAttr("name", "has already been taken"))
		}
	}
	if w.creating() {
		o.attrs["txt_record"] = "cl-verification=" + randString(7)
		o.attrs["disabled_at"] = nil
		o.rels["user"] = w.st.userID
	}
	switch {
	case w.triggers["_disable"] && w.triggers["_enable"]:
		errs = append(errs, errAttr("_enable", "cannot be sent together with _disable"))
	case w.triggers["_disable"]:
		if o.attrs["disabled_at"] == nil {
			o.attrs["disabled_at"] = w.st.timestamp()
		}
	case w.triggers["_enable"]:
		o.attrs["disabled_at"] = nil
	}
	return errs
}

func validateUser(w *write) []*apiError {
	if email, ok := w.in.attrs["email"].(string); ok && !validEmail(email) {
		return []*apiError{errAttr("email", "is invalid")}
	}
	return nil
}
