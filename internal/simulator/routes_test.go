package simulator_test

import (
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// fixtures is one of everything, for the route tests.
type fixtures struct {
	org, admin, custom, perm, member, profile, cred, appMember, idp, version string
}

func newFixtures(h *harness) fixtures {
	t := h.t
	var f fixtures
	f.org = h.org("Routes")
	f.admin = h.roleOf(f.org, "admin")
	f.custom = h.customRole(f.org, "Custom")
	f.perm = h.createOK("permissions", create("permissions",
		attrs{"subject": "orders", "can_create": true, "can_read": true, "can_update": false, "can_destroy": false},
		map[string]any{"role": rel("roles", f.custom)})).ID
	f.member = h.membership(f.org, f.admin, "member@example.com").ID
	f.profile = h.profile(f.org, "Profile", "live_access")
	f.cred = h.credential(f.org, "integration", f.admin).ID
	f.appMember = h.createOK("application_memberships", create("application_memberships", attrs{}, map[string]any{
		"api_credential": rel("api_credentials", f.cred), "organization": rel("organizations", f.org),
		"role": rel("roles", f.admin), "membership": rel("memberships", f.member),
	})).ID
	f.idp = h.createOK("identity_providers", create("identity_providers", identityProviderAttrs("Routes IdP"), nil)).ID
	versions := h.do(http.MethodGet, "/api/roles/"+f.custom+"/versions", nil).must(t, 200).ids(t)
	if len(versions) == 0 {
		t.Fatal("a custom role has no create version")
	}
	f.version = versions[0]
	return f
}

// expand replaces {placeholders} of a path with fixture ids.
func (f fixtures) expand(path string) string {
	return strings.NewReplacer(
		"{org}", f.org, "{role}", f.custom, "{perm}", f.perm, "{member}", f.member, "{profile}", f.profile,
		"{cred}", f.cred, "{am}", f.appMember, "{idp}", f.idp, "{version}", f.version,
	).Replace(path)
}

// TestSpecRoutes sends every method the spec documents on every path and
// checks the success status; the other methods get 405.
func TestSpecRoutes(t *testing.T) {
	h := newHarness(t)
	f := newFixtures(h)
	org := h.org("Routes 2") // for the POSTs that need a fresh organization
	adminOf2 := h.roleOf(org, "admin")
	// The application membership POSTed below, in the second organization:
	// the fixtures' credential and profile must be free of them to be
	// deleted at the end.
	credOf2 := h.credential(org, "integration", adminOf2).ID
	profileOf2 := h.profile(org, "Profile 2", "live_access")

	type call struct {
		method string
		body   map[string]any
		status int
	}
	get := call{http.MethodGet, nil, 200}
	patch := func(typ string, a attrs) call {
		return call{http.MethodPatch, doc(typ, "", a, nil), 200}
	}
	routes := []struct {
		path  string
		calls []call
	}{
		{"/api/organizations", []call{get, {http.MethodPost, create("organizations", attrs{"name": "Posted"}, nil), 201}}},
		{"/api/organizations/{org}", []call{get, patch("organizations", attrs{"support_email": "help@example.com"})}},
		{"/api/organizations/{org}/memberships", []call{get}},
		{"/api/organizations/{org}/roles", []call{get}},
		{"/api/organizations/{org}/permissions", []call{get}},
		{"/api/organizations/{org}/api_credentials", []call{get}},
		{"/api/roles", []call{get, {http.MethodPost, create("roles", attrs{"name": "Posted"}, map[string]any{"organization": rel("organizations", org)}), 201}}},
		{"/api/roles/{role}", []call{get, patch("roles", attrs{"name": "Renamed"})}},
		{"/api/roles/{role}/organization", []call{get}},
		{"/api/roles/{role}/permissions", []call{get}},
		{"/api/roles/{role}/memberships", []call{get}},
		{"/api/roles/{role}/api_credentials", []call{get}},
		{"/api/roles/{role}/versions", []call{get}},
		{"/api/permissions", []call{get, {http.MethodPost, create("permissions",
			attrs{"subject": "skus", "can_create": false, "can_read": true, "can_update": false, "can_destroy": false},
			map[string]any{"role": rel("roles", f.custom)}), 201}}},
		{"/api/permissions/{perm}", []call{get, patch("permissions", attrs{"can_update": true})}},
		{"/api/permissions/{perm}/organization", []call{get}},
		{"/api/permissions/{perm}/role", []call{get}},
		{"/api/permissions/{perm}/versions", []call{get}},
		{"/api/memberships", []call{get, {http.MethodPost, create("memberships", attrs{"user_email": "posted@example.com"},
			map[string]any{"organization": rel("organizations", org), "role": rel("roles", adminOf2)}), 201}}},
		{"/api/memberships/{member}", []call{get, patch("memberships", attrs{"access_scope": "all_access"})}},
		{"/api/memberships/{member}/resend", []call{{http.MethodPost, nil, 202}}},
		{"/api/memberships/{member}/organization", []call{get}},
		{"/api/memberships/{member}/role", []call{get}},
		{"/api/memberships/{member}/application_memberships", []call{get}},
		{"/api/memberships/{member}/membership_profile", []call{get}},
		{"/api/memberships/{member}/versions", []call{get}},
		{"/api/membership_profiles", []call{get, {http.MethodPost, create("membership_profiles", attrs{"name": "Posted", "access_scope": "test_access"},
			map[string]any{"organization": rel("organizations", org)}), 201}}},
		{"/api/membership_profiles/{profile}", []call{get, patch("membership_profiles", attrs{"name": "Renamed"})}},
		{"/api/membership_profiles/{profile}/organization", []call{get}},
		{"/api/membership_profiles/{profile}/application_memberships", []call{get}},
		{"/api/api_credentials", []call{get, {http.MethodPost, create("api_credentials", attrs{"name": "Posted", "kind": "sales_channel"},
			map[string]any{"organization": rel("organizations", org)}), 201}}},
		{"/api/api_credentials/{cred}", []call{get, patch("api_credentials", attrs{"expires_in": 86400})}},
		{"/api/api_credentials/{cred}/organization", []call{get}},
		{"/api/api_credentials/{cred}/role", []call{get}},
		{"/api/application_memberships", []call{get, {http.MethodPost, create("application_memberships", attrs{}, map[string]any{
			"api_credential": rel("api_credentials", credOf2), "organization": rel("organizations", org),
			"role": rel("roles", adminOf2), "membership_profile": rel("membership_profiles", profileOf2),
		}), 201}}},
		{"/api/application_memberships/{am}", []call{get, patch("application_memberships", attrs{"filters": map[string]any{"market_id_in": []any{1, 2}}})}},
		{"/api/application_memberships/{am}/api_credential", []call{get}},
		{"/api/application_memberships/{am}/membership", []call{get}},
		{"/api/application_memberships/{am}/membership_profile", []call{get}},
		{"/api/application_memberships/{am}/organization", []call{get}},
		{"/api/application_memberships/{am}/role", []call{get}},
		{"/api/identity_providers", []call{get, {http.MethodPost, create("identity_providers", identityProviderAttrs("Posted IdP"), nil), 201}}},
		{"/api/identity_providers/{idp}", []call{get, patch("identity_providers", attrs{"issuer": "https://issuer.example.com"})}},
		{"/api/identity_providers/{idp}/user", []call{get}},
		{"/api/user", []call{get, patch("users", attrs{"time_zone": "Europe/Rome"})}},
		{"/api/versions", []call{get}},
		{"/api/versions/{version}", []call{get}},
		// DELETE last: the objects are gone afterwards.
		{"/api/application_memberships/{am}", []call{{http.MethodDelete, nil, 204}}},
		{"/api/memberships/{member}", []call{{http.MethodDelete, nil, 204}}},
		{"/api/membership_profiles/{profile}", []call{{http.MethodDelete, nil, 204}}},
		{"/api/api_credentials/{cred}", []call{{http.MethodDelete, nil, 204}}},
		{"/api/identity_providers/{idp}", []call{{http.MethodDelete, nil, 204}}},
	}
	methods := map[string][]string{}
	for _, r := range routes {
		for _, c := range r.calls {
			methods[r.path] = append(methods[r.path], c.method)
		}
	}
	for _, r := range routes {
		path := f.expand(r.path)
		for _, c := range r.calls {
			if data, ok := c.body["data"].(map[string]any); ok && c.method == http.MethodPatch && !strings.HasSuffix(path, "/api/user") {
				data["id"] = path[strings.LastIndex(path, "/")+1:]
			}
			res := h.do(c.method, path, c.body)
			if res.status != c.status {
				t.Errorf("%s %s: %d, want %d: %s", c.method, r.path, res.status, c.status, res.body)
			}
		}
	}
	// The methods the spec lacks: 405 with Allow.
	for path, documented := range methods {
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
			if slices.Contains(documented, m) {
				continue
			}
			res := h.do(m, f.expand(path), nil)
			if res.status != http.StatusMethodNotAllowed || res.header.Get("Allow") == "" {
				t.Errorf("%s %s: %d (Allow %q), want 405 with Allow: %s", m, path, res.status, res.header.Get("Allow"), res.body)
			}
		}
	}
}

func TestUnknownPaths(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/api/markets", "/api/roles/x/y/z", "/api/user/x", "/api/organizations/x/unknown", "/nothing"} {
		res := h.do(http.MethodGet, path, nil)
		if res.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.status)
		}
	}
	h.do(http.MethodGet, "/api/roles/missing", nil).wantError(t, 404, "RECORD_NOT_FOUND", "")
}

// An encoded slash (%2F) stays inside its path segment: the id
// "X/organization" is an unknown id, not the related route of X. Other
// escapes decode as usual.
func TestEncodedSlashInPath(t *testing.T) {
	h := newHarness(t)
	org := h.org("Escapes")
	member := h.membership(org, h.roleOf(org, "admin"), "member@example.com").ID

	h.do(http.MethodGet, "/api/memberships/"+member+"/organization", nil).must(t, 200)
	for _, m := range []string{http.MethodGet, http.MethodPatch, http.MethodDelete} {
		var body map[string]any
		if m == http.MethodPatch {
			body = doc("memberships", member+"/organization", attrs{}, nil)
		}
		h.do(m, "/api/memberships/"+member+"%2Forganization", body).wantError(t, 404, "RECORD_NOT_FOUND", "")
		h.do(m, "/api/memberships/"+member+"%2forganization", body).wantError(t, 404, "RECORD_NOT_FOUND", "")
	}
	// Not a collection either: "memberships/<id>" names no resource.
	h.do(http.MethodGet, "/api/memberships%2F"+member, nil).wantError(t, 404, "NOT_FOUND", "")
	// The membership is still there, and an id with an escaped letter is
	// the same id.
	escaped := "%" + strings.ToUpper(hex.EncodeToString([]byte(member[:1]))) + member[1:]
	if got := h.do(http.MethodGet, "/api/memberships/"+escaped, nil).must(t, 200).one(t).ID; got != member {
		t.Errorf("GET /api/memberships/%s: id %s, want %s", escaped, got, member)
	}
}
