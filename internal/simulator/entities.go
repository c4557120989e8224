package simulator

import (
	"encoding/json"
	"strconv"
)

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
	fSecret                    // rendered masked (see maskSecret)
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
// functions (see rules.go); everything else is driven by the tables below.
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
	// organization to have an admin role (403 otherwise).
	adminOnly bool

	// authorize runs before anything else of a write (403 checks).
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

// common returns the attributes every resource has.
func common(extra ...attrDef) []attrDef {
	return append(extra,
		a("created_at", kTime, fSort|fFilter),
		a("updated_at", kTime, fSort|fFilter),
		a("reference", kString, fWrite|fNullable|fSort|fFilter),
		a("reference_origin", kString, fWrite|fNullable|fSort|fFilter),
		a("metadata", kObject, fWrite|fNullable|fFilter),
	)
}

// orgFlags are the read-only configuration flags of an organization, with
// the values the spec's example shows (used as the defaults of every new
// organization).
var orgFlags = []struct {
	name string
	kind kind
	def  any
}{
	{"api_auth_redirect", kBool, true},
	{"api_rules_engine", kBool, false},
	{"api_rules_engine_max_conditions_size", kInt, 150},
	{"api_rules_engine_max_rules_size", kInt, 15},
	{"api_new_auth", kBool, true},
	{"api_purge_single_resource", kBool, false},
	{"api_max_regex_length", kInt, 5000},
	{"addresses_avs_check", kBool, true},
	{"addresses_phone_required", kBool, true},
	{"orders_sales_channel_guest_only", kBool, true},
	{"orders_min_rebuild_shipments_lapse", kNumber, 0},
	{"orders_min_refresh_lapse", kNumber, 0},
	{"orders_autorefresh_cutoff_test", kInt, 50},
	{"orders_autorefresh_cutoff_live", kInt, 500},
	{"orders_number_editable_test", kBool, false},
	{"orders_number_editable_live", kBool, false},
	{"orders_number_as_reference", kBool, true},
	{"orders_invalid_coupon_errors", kBool, true},
	{"orders_invalid_gift_card_errors", kBool, true},
	{"orders_validate_shipping_stock", kBool, false},
	{"bundles_max_items_count", kInt, 10},
	{"coupons_min_code_length", kInt, 8},
	{"coupons_max_code_length", kInt, 40},
	{"gift_cards_exact_code_matching", kBool, false},
	{"gift_cards_min_code_length", kInt, 8},
	{"gift_cards_max_code_length", kInt, 40},
	{"cleanups_max_concurrent_count", kInt, 10},
	{"exports_max_concurrent_count", kInt, 10},
	{"imports_max_concurrent_count", kInt, 10},
	{"imports_purge_cache", kBool, true},
	{"imports_skip_errors", kBool, false},
	{"inventory_models_max_stock_locations_cutoff", kInt, 10},
	{"promotions_max_concurrent_count", kInt, 10},
	{"promotions_max_conditions_size", kInt, 150},
	{"promotions_max_rules_size", kInt, 15},
	{"price_lists_max_conditions_size", kInt, 150},
	{"price_lists_max_rules_size", kInt, 15},
	{"imports_trigger_webhooks", kInt, 0},
	{"discount_engines_enabled", kBool, false},
	{"discount_engines_errors", kBool, false},
	{"tags_max_name_length", kInt, 25},
	{"tags_max_allowed_number", kInt, 10},
	{"tax_calculators_errors", kBool, false},
	{"external_promotions_errors", kBool, false},
	{"external_prices_errors", kBool, true},
}

func organizationAttrs() []attrDef {
	out := []attrDef{
		a("name", kString, fWrite|fRequired|fSort|fFilter),
		a("slug", kString, fSort|fFilter),
		a("domain", kString, fSort|fFilter),
		a("support_phone", kString, fWrite|fNullable),
		a("support_email", kString, fWrite|fNullable),
		a("logo_url", kString, fWrite|fNullable),
		a("favicon_url", kString, fWrite|fNullable),
		a("primary_color", kString, fWrite|fNullable),
		a("contrast_color", kString, fWrite|fNullable|fFilter),
		a("gtm_id", kString, fWrite|fNullable),
		a("gtm_id_test", kString, fWrite|fNullable),
		withDefault(a("region", kString, fCreate|fNullable|fFilter), "eu-west-1"),
		withDefault(a("can_switch_live", kBool, 0), false),
		a("subscription_info", kObject, 0),
		a("config", kObject, fWrite|fNullable),
	}
	for _, f := range orgFlags {
		def := f.def
		if n, ok := def.(int); ok {
			def = json.Number(strconv.Itoa(n))
		}
		out = append(out, withDefault(a(f.name, f.kind, 0), def))
	}
	return common(out...)
}

// entities is the table the whole simulator is driven by.
var entities = []*entity{
	{
		typ: "organizations", list: true, get: true, create: true, update: true,
		attrs: organizationAttrs(),
		rels: []relDef{
			many("memberships", "memberships", "organization", fFilter),
			many("roles", "roles", "organization", fFilter),
			many("permissions", "permissions", "organization", fFilter),
			many("api_credentials", "api_credentials", "organization", fFilter),
		},
	},
	{
		typ: "roles", list: true, get: true, create: true, update: true, versioned: true,
		attrs: common(
			a("name", kString, fWrite|fRequired|fFilter),
			a("kind", kString, fFilter),
			a("_add_missing_base_permissions", kBool, fUpdate|fTrigger),
		),
		rels: []relDef{
			one("organization", "organizations", fCreate|fRequired|fFilter),
			many("permissions", "permissions", "role", fFilter),
			many("memberships", "memberships", "role", fFilter),
			many("api_credentials", "api_credentials", "role", fFilter),
			many("versions", "versions", "", 0),
		},
	},
	{
		typ: "permissions", list: true, get: true, create: true, update: true, versioned: true,
		attrs: common(
			a("can_create", kBool, fWrite|fRequired|fFilter),
			a("can_read", kBool, fWrite|fRequired|fFilter),
			a("can_update", kBool, fWrite|fRequired|fFilter),
			a("can_destroy", kBool, fWrite|fRequired|fFilter),
			a("subject", kString, fCreate|fRequired|fFilter),
			a("restrictions", kObject, fFilter),
		),
		rels: []relDef{
			one("organization", "organizations", fFilter),
			one("role", "roles", fCreate|fRequired|fFilter),
			many("versions", "versions", "", 0),
		},
	},
	{
		typ: "memberships", list: true, get: true, create: true, update: true, destroy: true,
		versioned: true, adminOnly: true,
		attrs: common(
			a("user_email", kString, fCreate|fRequired|fFilter),
			a("user_first_name", kString, 0),
			a("user_last_name", kString, 0),
			withEnum(a("status", kString, fSort|fFilter), "pending", "active"),
			a("owner", kBool, fFilter),
			a("test_enabled", kBool, 0),
			withDefault(withEnum(a("access_scope", kString, fWrite|fNullable|fFilter), accessScopes...), "live_access"),
		),
		rels: []relDef{
			one("organization", "organizations", fCreate|fRequired|fFilter),
			one("role", "roles", fWrite|fRequired|fFilter),
			many("application_memberships", "application_memberships", "membership", fWrite|fFilter),
			one("membership_profile", "membership_profiles", fWrite|fNullable|fFilter),
			many("versions", "versions", "", 0),
		},
	},
	{
		typ: "membership_profiles", list: true, get: true, create: true, update: true, destroy: true,
		adminOnly: true,
		attrs: common(
			a("name", kString, fWrite|fRequired|fSort|fFilter),
			a("test_enabled", kBool, 0),
			withEnum(a("access_scope", kString, fWrite|fRequired|fFilter), accessScopes...),
		),
		rels: []relDef{
			one("organization", "organizations", fCreate|fRequired|fFilter),
			many("application_memberships", "application_memberships", "membership_profile", fWrite|fFilter),
		},
	},
	{
		typ: "api_credentials", list: true, get: true, create: true, update: true, destroy: true,
		adminOnly: true,
		attrs: common(
			a("name", kString, fWrite|fRequired|fFilter),
			a("kind", kString, fCreate|fRequired|fFilter),
			a("confidential", kBool, fFilter),
			a("redirect_uri", kString, fWrite|fNullable|fFilter),
			a("client_id", kString, fFilter),
			a("client_secret", kString, 0),
			a("scopes", kString, fFilter),
			a("expires_in", kInt, fWrite|fNullable|fFilter),
			withDefault(a("mode", kString, fCreate|fNullable|fSort|fFilter), "test"),
			withDefault(a("custom", kBool, fCreate|fNullable), false),
		),
		rels: []relDef{
			one("organization", "organizations", fCreate|fRequired|fFilter),
			one("role", "roles", fWrite|fNullable|fFilter),
		},
	},
	{
		typ: "application_memberships", list: true, get: true, create: true, update: true, destroy: true,
		adminOnly: true,
		attrs: common(
			a("filters", kObject, fWrite|fNullable|fFilter),
		),
		rels: []relDef{
			one("api_credential", "api_credentials", fCreate|fRequired|fFilter),
			one("membership", "memberships", fCreate|fFilter),
			one("membership_profile", "membership_profiles", fWrite|fNullable|fFilter),
			one("organization", "organizations", fCreate|fRequired|fFilter),
			one("role", "roles", fWrite|fRequired|fFilter),
		},
	},
	{
		typ: "identity_providers", list: true, get: true, create: true, update: true, destroy: true,
		attrs: common(
			a("name", kString, fWrite|fRequired|fSort|fFilter),
			a("client_id", kString, fWrite|fRequired|fSort|fFilter),
			a("client_secret", kString, fWrite|fRequired|fSecret),
			a("issuer", kString, fWrite|fRequired|fSort|fFilter),
			withDefault(withEnum(a("status", kString, fSort|fFilter), "pending", "verified", "error"), "pending"),
			a("domains", kString, fWrite|fRequired|fSort|fFilter),
			a("token_url", kString, fWrite|fRequired|fSort|fFilter),
			a("authorize_url", kString, fWrite|fRequired|fSort|fFilter),
			a("jwks_url", kString, fWrite|fRequired|fSort|fFilter),
			a("txt_record", kString, fSort|fFilter),
			a("organization", kString, fWrite|fNullable|fSort|fFilter),
			a("disabled_at", kTime, fSort|fFilter),
			a("_disable", kBool, fWrite|fTrigger),
			a("_enable", kBool, fWrite|fTrigger),
		),
		rels: []relDef{
			one("user", "users", 0),
		},
	},
	{
		typ: "users", path: "user", singleton: true, get: true, update: true,
		attrs: common(
			a("email", kString, fUpdate),
			a("first_name", kString, fUpdate),
			a("last_name", kString, fUpdate),
			a("time_zone", kString, fUpdate|fNullable),
			withDefault(a("otp_required_for_login", kBool, 0), false),
		),
	},
	{
		typ: "versions", list: true, get: true,
		attrs: common(
			a("resource_type", kString, fSort|fFilter),
			a("resource_id", kString, fSort|fFilter),
			a("event", kString, fSort|fFilter),
			a("changes", kObject, 0),
			a("who", kObject, 0),
		),
	},
}

var entityByType = func() map[string]*entity {
	m := map[string]*entity{}
	for _, e := range entities {
		m[e.typ] = e
	}
	return m
}()

// entityByPath maps the first path segment after /api to its entity.
var entityByPath = func() map[string]*entity {
	m := map[string]*entity{}
	for _, e := range entities {
		p := e.path
		if p == "" {
			p = e.typ
		}
		m[p] = e
	}
	return m
}()

func init() {
	installRules()
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
