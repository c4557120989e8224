package simulator

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// organizationsEntity: /api/organizations. No DELETE; creating one seeds its
// roles, owner membership and credentials.
func organizationsEntity() *entity {
	return &entity{
		typ: "organizations", list: true, get: true, create: true, update: true, adminOnly: true,
		// Sort: name, slug, domain; filter: name, slug, domain,
		// contrast_color, region (source: provisioning-sdk's
		// OrganizationSort and OrganizationFilter).
		attrs: organizationAttrs(),
		rels: []relDef{
			many("memberships", "memberships", "organization", fFilter),
			many("roles", "roles", "organization", fFilter),
			many("permissions", "permissions", "organization", fFilter),
			many("api_credentials", "api_credentials", "organization", fFilter),
		},
		validate:  validateOrganization,
		afterSave: seedOrganization,
		render:    renderOrganization,
		cascade: func(st *store, o *object) {
			delete(st.plans, o.id)
			for _, typ := range []string{"application_memberships", "api_credentials", "memberships", "membership_profiles", "permissions", "roles"} {
				for _, x := range st.where(typ, "organization", o.id) {
					st.delete(x, whoDashboard())
				}
			}
		},
	}
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
// read_only roles, the owner membership and two "resources" credentials
// (test and live) with the admin role.
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
		// "The Admin role is also used to create two API credentials of type
		// resources" (docs: provisioning/getting-started/applications).
		c.rels["role"] = roleIDs["admin"]
		st.insert(c)
	}
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
			"organizations": st.ownedOrganizations(),
			"memberships":   st.count("memberships", "organization", o.id),
			"markets":       0,
			"skus":          0,
		},
	}
}
