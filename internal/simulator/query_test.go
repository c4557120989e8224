package simulator_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestInclude(t *testing.T) {
	h := newHarness(t)
	org := h.org("Include")
	admin := h.roleOf(org, "admin")
	m := h.membership(org, admin, "inc@example.com")

	res := h.do(http.MethodGet, "/api/memberships/"+m.ID+"?include=organization,role,membership_profile,application_memberships", nil).must(t, 200)
	got := res.one(t)
	if got.Rel("organization").ID() != org || got.Rel("role").ID() != admin {
		t.Errorf("relationships %+v", got.Relationships)
	}
	if r := got.Rel("membership_profile"); !r.HasData || r.One != nil {
		t.Errorf("empty to-one: %+v, want data null", r)
	}
	if r := got.Rel("application_memberships"); !r.HasData || !r.IsMany || len(r.Many) != 0 {
		t.Errorf("empty to-many: %+v, want data []", r)
	}
	if r := got.Rel("versions"); r.HasData || r.Links["related"] == "" {
		t.Errorf("not included: %+v, want links only", r)
	}
	inc := res.doc(t).Included
	if len(inc) != 2 || inc[0].Type != "organizations" || inc[1].Type != "roles" {
		t.Errorf("included %+v", inc)
	}

	// Nested paths and lists: the organization's memberships and their roles.
	res = h.do(http.MethodGet, "/api/organizations/"+org+"?include=memberships.role", nil).must(t, 200)
	if ids := res.one(t).Rel("memberships").IDs(); len(ids) != 2 {
		t.Errorf("memberships %v", ids)
	}
	if inc := res.doc(t).Included; len(inc) != 3 { // two memberships, one role
		t.Errorf("included %d objects, want 3", len(inc))
	}
	// Sparse fieldsets.
	res = h.do(http.MethodGet, "/api/roles/"+admin+"?fields[roles]=name", nil).must(t, 200)
	if r := res.one(t); len(r.Attributes) != 1 || r.String("name") != "admin" || len(r.Relationships) != 0 {
		t.Errorf("fields[roles]=name gave %+v", r)
	}
	h.do(http.MethodGet, "/api/roles/"+admin+"?include=nope", nil).wantError(t, 400, "INVALID_INCLUDE", "")
	h.do(http.MethodGet, "/api/roles/"+admin+"?fields[roles]=nope", nil).wantError(t, 400, "INVALID_FIELD", "")
	// include on create.
	created := h.do(http.MethodPost, "/api/roles?include=organization", create("roles", attrs{"name": "R"},
		map[string]any{"organization": rel("organizations", org)})).must(t, 201).one(t)
	if created.Rel("organization").ID() != org {
		t.Errorf("include on create: %+v", created.Relationships)
	}
}

func TestFiltersAndSort(t *testing.T) {
	h := newHarness(t)
	org := h.org("Filters")
	admin := h.roleOf(org, "admin")
	readOnly := h.roleOf(org, "read_only")
	var ids []string
	for _, name := range []string{"Beta", "alpha", "Gamma", "delta"} {
		ids = append(ids, h.customRole(org, name))
	}
	list := func(q string) []string {
		t.Helper()
		return h.do(http.MethodGet, "/api/organizations/"+org+"/roles?"+q, nil).must(t, 200).ids(t)
	}
	f := func(pred, v string) string { return url.Values{"filter[q][" + pred + "]": {v}}.Encode() }
	tests := []struct {
		name, query string
		want        []string
	}{
		{"eq", f("name_eq", "Beta"), ids[:1]},
		{"not_eq", f("kind_not_eq", "custom"), []string{admin, readOnly}},
		{"in", f("kind_in", "admin,read_only"), []string{admin, readOnly}},
		{"not_in", f("name_not_in", "Beta,alpha,admin"), []string{readOnly, ids[2], ids[3]}},
		{"start, case-insensitive", f("name_start", "GA"), ids[2:3]},
		{"end", f("name_end", "ta"), []string{ids[0], ids[3]}},
		{"cont", f("name_cont", "lph"), ids[1:2]},
		{"not_cont", f("name_not_cont", "a"), nil},
		{"matches", f("name_matches", "%elt_"), ids[3:4]},
		{"or", f("name_or_kind_eq", "admin"), []string{admin}},
		{"any", f("name_start_any", "al,de"), []string{ids[1], ids[3]}},
		{"null", f("reference_null", "true"), append([]string{admin, readOnly}, ids...)},
		{"eq_or_null", f("reference_eq_or_null", "crm"), append([]string{admin, readOnly}, ids...)},
		{"in_or_null: null", f("reference_in_or_null", "crm,erp"), append([]string{admin, readOnly}, ids...)},
		{"in_or_null: in", f("name_in_or_null", "Beta,delta"), []string{ids[0], ids[3]}},
		{"not_in_or_null", f("name_not_in_or_null", "Beta,alpha,admin,read_only"), ids[2:]},
		{"sort by name", "sort=-name&" + f("name_in", "alpha,delta,admin"), []string{ids[3], ids[1], admin}},
		{"not_eq_or_null", f("name_not_eq_or_null", "Beta"), []string{admin, readOnly, ids[1], ids[2], ids[3]}},
		{"present", f("reference_present", "true"), nil},
		{"relationship attribute", f("organization_name_eq", "Filters"), append([]string{admin, readOnly}, ids...)},
		{"id", f("id_eq", ids[2]), ids[2:3]},
		{"two filters ANDed", f("kind_eq", "custom") + "&" + f("name_cont", "l"), []string{ids[1], ids[3]}},
		{"sort by id", "sort=id", sorted(append([]string{admin, readOnly}, ids...))},
		{"sort descending", "sort=-created_at,-id", reverse(sortedByCreation(admin, readOnly, ids))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := list(tt.query); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", tt.query, got, tt.want)
			}
		})
	}
	h.do(http.MethodGet, "/api/roles?sort=kind", nil).wantError(t, 400, "INVALID_SORT_CRITERIA", "")
	// Versions filter by resource_type and resource_id only (the SDK's VersionFilter).
	h.do(http.MethodGet, "/api/versions?"+f("event_eq", "update"), nil).wantError(t, 400, "FILTER_NOT_ALLOWED", "")
	h.do(http.MethodGet, "/api/versions?sort=resource_type", nil).wantError(t, 400, "INVALID_SORT_CRITERIA", "")
	h.do(http.MethodGet, "/api/roles?"+f("name_bogus", "x"), nil).wantError(t, 400, "FILTER_NOT_ALLOWED", "")
	h.do(http.MethodGet, "/api/roles?"+f("created_at_gt", "yesterday"), nil).wantError(t, 400, "INVALID_FILTER_VALUE", "")
	h.do(http.MethodGet, "/api/roles?per_page=3", nil).wantError(t, 400, "PARAM_NOT_ALLOWED", "")

	// Sortable fields of another entity, booleans and numbers.
	h.credential(org, "sales_channel", "")
	names := func(q string) []string {
		var out []string
		for _, r := range h.do(http.MethodGet, "/api/organizations/"+org+"/api_credentials?"+q, nil).must(t, 200).many(t) {
			out = append(out, r.String("name")+"/"+r.String("mode"))
		}
		return out
	}
	if got := names("sort=-mode&" + f("confidential_true", "true")); !slices.Equal(got, []string{"Resources (test)/test", "Resources (live)/live"}) {
		t.Errorf("confidential credentials sorted by -mode: %v", got)
	}
	if got := names(f("expires_in_gteq", "10000")); !slices.Equal(got, []string{"sales_channel app/test"}) {
		t.Errorf("expires_in >= 10000: %v", got)
	}
	// custom is filterable (the SDK's ApiCredentialFilter).
	if got := names(f("custom_false", "true") + "&" + f("kind_eq", "sales_channel")); !slices.Equal(got, []string{"sales_channel app/test"}) {
		t.Errorf("custom false: %v", got)
	}
	// jcont: objects containing the given JSON.
	if err := h.sim.SetAttributes("roles", ids[1], map[string]any{"metadata": map[string]any{"team": "ops", "tier": 1}}); err != nil {
		t.Fatal(err)
	}
	if got := list(f("metadata_jcont", `{"team":"ops"}`)); !slices.Equal(got, ids[1:2]) {
		t.Errorf("metadata_jcont: %v", got)
	}
	if got := list(f("metadata_jcont", `{"team":"ops","tier":2}`)); len(got) != 0 {
		t.Errorf("metadata_jcont, one key differs: %v", got)
	}
	h.do(http.MethodGet, "/api/roles?"+f("metadata_jcont", `not json`), nil).wantError(t, 400, "INVALID_FILTER_VALUE", "")
}

func jsonNumber(n int) json.Number { return json.Number(strconv.Itoa(n)) }

func sorted(ids []string) []string { return slices.Sorted(slices.Values(ids)) }

func reverse(ids []string) []string { slices.Reverse(ids); return ids }

// sortedByCreation: all were created in the same instant (the fake clock
// stands still), so created_at ties and id decides.
func sortedByCreation(admin, readOnly string, ids []string) []string {
	return sorted(append([]string{admin, readOnly}, ids...))
}

func TestPagination(t *testing.T) {
	h := newHarness(t)
	org := h.org("Pages")
	for i := range 9 {
		h.customRole(org, "Role "+string(rune('A'+i)))
	}
	// 11 roles: the two built-in ones and nine custom ones.
	res := h.do(http.MethodGet, "/api/organizations/"+org+"/roles?page[size]=4&page[number]=2", nil).must(t, 200)
	d := res.doc(t)
	if n := len(res.many(t)); n != 4 {
		t.Errorf("page 2 has %d roles", n)
	}
	if d.Meta["record_count"] != jsonNumber(11) || d.Meta["page_count"] != jsonNumber(3) {
		t.Errorf("meta %v", d.Meta)
	}
	for k, page := range map[string]string{"first": "1", "prev": "1", "next": "3", "last": "3"} {
		u, err := url.Parse(d.Links[k])
		if err != nil || u.Query().Get("page[number]") != page || u.Query().Get("page[size]") != "4" || !strings.HasSuffix(u.Path, "/api/organizations/"+org+"/roles") {
			t.Errorf("links.%s = %q", k, d.Links[k])
		}
	}
	first := h.do(http.MethodGet, "/api/organizations/"+org+"/roles", nil).must(t, 200).doc(t)
	if _, ok := first.Links["prev"]; ok || first.Links["next"] == "" {
		t.Errorf("first page links %v: want next, no prev", first.Links)
	}
	last := h.do(http.MethodGet, "/api/organizations/"+org+"/roles?page[number]=3&page[size]=4", nil).must(t, 200)
	if _, ok := last.doc(t).Links["next"]; ok || len(last.many(t)) != 3 {
		t.Errorf("last page: %d roles, links %v", len(last.many(t)), last.doc(t).Links)
	}
	for _, q := range []string{"page[size]=26", "page[size]=0", "page[number]=x"} {
		h.do(http.MethodGet, "/api/roles?"+q, nil).wantError(t, 400, "INVALID_PAGE_VALUE", "")
	}
	h.do(http.MethodGet, "/api/roles?page[size]=25", nil).must(t, 200)
}
