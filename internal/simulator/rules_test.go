package simulator_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

func TestOrganizationSeeds(t *testing.T) {
	h := newHarness(t, func(o *simulator.Options) { o.UserEmail, o.UserFirstName = "me@example.com", "Me" })
	org := h.createOK("organizations", create("organizations", attrs{"name": "The Blue Brand!"}, nil))
	if org.String("slug") != "the-blue-brand" || org.String("domain") != "the-blue-brand.commercelayer.io" || org.String("region") != "eu-west-1" {
		t.Errorf("slug %q, domain %q, region %q", org.String("slug"), org.String("domain"), org.String("region"))
	}
	if plan := object(t, org.Attributes["subscription_info"])["plan_type"]; plan != "enterprise" {
		t.Errorf("plan_type %v", plan)
	}
	if again := h.createOK("organizations", create("organizations", attrs{"name": "The Blue Brand"}, nil)); again.String("slug") != "the-blue-brand-2" {
		t.Errorf("second slug %q", again.String("slug"))
	}

	var kinds []string
	for _, r := range h.do(http.MethodGet, "/api/organizations/"+org.ID+"/roles", nil).must(t, 200).many(t) {
		kinds = append(kinds, r.String("name")+":"+r.String("kind"))
	}
	if !slices.Equal(kinds, []string{"admin:admin", "read_only:read_only"}) {
		t.Errorf("roles %v", kinds)
	}
	ms := h.do(http.MethodGet, "/api/organizations/"+org.ID+"/memberships?include=role", nil).must(t, 200)
	if list := ms.many(t); len(list) != 1 || list[0].String("user_email") != "me@example.com" || list[0].String("user_first_name") != "Me" ||
		list[0].String("status") != "active" || !list[0].Bool("owner") || list[0].Rel("role").ID() != h.roleOf(org.ID, "admin") {
		t.Errorf("owner membership %s", ms.body)
	}
	var creds []string
	for _, c := range h.do(http.MethodGet, "/api/organizations/"+org.ID+"/api_credentials?include=role", nil).must(t, 200).many(t) {
		creds = append(creds, c.String("kind")+":"+c.String("mode"))
		if c.Rel("role").ID() != h.roleOf(org.ID, "admin") { // made "with the admin role"
			t.Errorf("%s credential's role %+v", c.String("mode"), c.Rel("role"))
		}
	}
	if !slices.Equal(creds, []string{"resources:test", "resources:live"}) {
		t.Errorf("credentials %v", creds)
	}
	// PATCH does not seed again; region is create-only.
	h.do(http.MethodPatch, "/api/organizations/"+org.ID, doc("organizations", org.ID, attrs{"name": "Renamed"}, nil)).must(t, 200)
	if n := len(h.do(http.MethodGet, "/api/organizations/"+org.ID+"/roles", nil).many(t)); n != 2 {
		t.Errorf("%d roles after PATCH", n)
	}
	h.do(http.MethodPatch, "/api/organizations/"+org.ID, doc("organizations", org.ID, attrs{"region": "us-east-1"}, nil)).
		wantError(t, 400, "PARAM_NOT_ALLOWED", "/data/attributes/region")
	h.do(http.MethodPatch, "/api/organizations/"+org.ID, doc("organizations", org.ID, attrs{"primary_color": "blue"}, nil)).
		wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/primary_color")
	h.do(http.MethodPatch, "/api/organizations/"+org.ID, doc("organizations", org.ID, attrs{"name": nil}, nil)).
		wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/name")
	h.do(http.MethodPatch, "/api/organizations/"+org.ID, doc("organizations", "other", attrs{"name": "x"}, nil)).
		wantError(t, 400, "KEY_NOT_INCLUDED_IN_URL", "/data/id")
	h.do(http.MethodPost, "/api/organizations", create("organizations", attrs{}, nil)).
		wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/name")
	h.do(http.MethodPost, "/api/organizations", create("roles", attrs{"name": "x"}, nil)).wantError(t, 400, "INVALID_RESOURCE", "/data/type")
}

func TestCustomRolesAreEnterpriseOnly(t *testing.T) {
	h := newHarness(t, func(o *simulator.Options) { o.NonEnterprise = true })
	org := h.org("Growth")
	body := create("roles", attrs{"name": "Custom"}, map[string]any{"organization": rel("organizations", org)})
	h.do(http.MethodPost, "/api/roles", body).wantError(t, 401, "UNAUTHORIZED", "")
	if plan := object(t, h.do(http.MethodGet, "/api/organizations/"+org, nil).one(t).Attributes["subscription_info"])["plan_type"]; plan == "enterprise" {
		t.Errorf("plan_type %v", plan)
	}
	if err := h.sim.SetEnterprise(org, true); err != nil {
		t.Fatal(err)
	}
	h.do(http.MethodPost, "/api/roles", body).must(t, 201)
	// Missing organization: the 422 speaks, not the plan.
	h.do(http.MethodPost, "/api/roles", create("roles", attrs{"name": "x"}, nil)).wantError(t, 422, "VALIDATION_ERROR", "/data/relationships/organization")
	if err := h.sim.SetEnterprise("nope", true); err == nil {
		t.Error("SetEnterprise of an unknown organization succeeded")
	}
	if err := h.sim.SetEnterprise("", false); err != nil {
		t.Fatal(err)
	}
	h.do(http.MethodPost, "/api/roles", body).wantError(t, 401, "UNAUTHORIZED", "")
}

func TestPermissions(t *testing.T) {
	h := newHarness(t)
	org := h.org("Perms")
	role := h.customRole(org, "Custom")
	perm := func(roleID, subject string) *result {
		return h.do(http.MethodPost, "/api/permissions?include=organization", create("permissions",
			attrs{"subject": subject, "can_create": true, "can_read": true, "can_update": true, "can_destroy": false},
			map[string]any{"role": rel("roles", roleID)}))
	}
	p := perm(role, "orders").must(t, 201).one(t)
	if p.Rel("organization").ID() != org {
		t.Errorf("derived organization %+v", p.Rel("organization"))
	}
	perm(role, "orders").wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/subject")
	perm(h.customRole(org, "Other"), "orders").must(t, 201)
	perm(h.roleOf(org, "admin"), "skus").wantError(t, 422, "VALIDATION_ERROR", "/data/relationships/role")
	h.do(http.MethodPost, "/api/permissions", create("permissions", attrs{"subject": "x"}, map[string]any{"role": rel("roles", role)})).
		wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/can_create")
	h.do(http.MethodPatch, "/api/permissions/"+p.ID, doc("permissions", p.ID, attrs{"subject": "skus"}, nil)).
		wantError(t, 400, "PARAM_NOT_ALLOWED", "/data/attributes/subject")
	h.do(http.MethodPatch, "/api/permissions/"+p.ID, doc("permissions", p.ID, attrs{"can_destroy": "yes"}, nil)).
		wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/can_destroy")
	h.do(http.MethodDelete, "/api/permissions/"+p.ID, nil).must(t, 405)
}

func TestMemberships(t *testing.T) {
	h := newHarness(t)
	org := h.org("Members")
	admin := h.roleOf(org, "admin")
	readOnly := h.roleOf(org, "read_only")

	pending := h.membership(org, readOnly, "new@example.com")
	if pending.String("status") != "pending" || pending.Bool("owner") || pending.String("access_scope") != "live_access" || pending.Bool("test_enabled") {
		t.Errorf("new membership %+v", pending.Attributes)
	}
	h.sim.AddKnownUser("known@example.com", "Kim", "Known")
	active := h.membership(org, readOnly, "Known@Example.com")
	if active.String("status") != "active" || active.String("user_first_name") != "Kim" {
		t.Errorf("known user's membership %+v", active.Attributes)
	}
	h.do(http.MethodPost, "/api/memberships/"+pending.ID+"/resend", nil).must(t, 202)
	h.do(http.MethodPost, "/api/memberships/"+active.ID+"/resend", nil).wantError(t, 422, "VALIDATION_ERROR", "/data")

	body := func(email string) map[string]any {
		return create("memberships", attrs{"user_email": email}, map[string]any{"organization": rel("organizations", org), "role": rel("roles", readOnly)})
	}
	h.do(http.MethodPost, "/api/memberships", body("new@example.com")).wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/user_email")
	h.do(http.MethodPost, "/api/memberships", body("not-an-email")).wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/user_email")
	h.do(http.MethodPost, "/api/memberships", create("memberships", attrs{"user_email": "x@example.com"},
		map[string]any{"organization": rel("organizations", org)})).wantError(t, 422, "VALIDATION_ERROR", "/data/relationships/role")
	h.do(http.MethodPost, "/api/memberships", create("memberships", attrs{"user_email": "x@example.com", "access_scope": "everything"},
		map[string]any{"organization": rel("organizations", org), "role": rel("roles", readOnly)})).
		wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/access_scope")
	h.do(http.MethodPatch, "/api/memberships/"+pending.ID, doc("memberships", pending.ID, attrs{"user_email": "x@example.com"}, nil)).
		wantError(t, 400, "PARAM_NOT_ALLOWED", "/data/attributes/user_email")
	h.do(http.MethodPatch, "/api/memberships/"+pending.ID, doc("memberships", pending.ID, attrs{}, map[string]any{
		"role": rel("roles", h.roleOf(h.org("Elsewhere"), "admin"))})).wantError(t, 422, "VALIDATION_ERROR", "/data/relationships/role")
	h.do(http.MethodPatch, "/api/memberships/"+pending.ID, doc("memberships", pending.ID, attrs{}, map[string]any{
		"role": map[string]any{"data": nil}})).wantError(t, 422, "VALIDATION_ERROR", "/data/relationships/role")

	// Owner rules.
	owner := h.do(http.MethodGet, "/api/organizations/"+org+"/memberships?filter[q][owner_true]=true", nil).must(t, 200).many(t)[0]
	h.do(http.MethodDelete, "/api/memberships/"+owner.ID, nil).wantError(t, 422, "VALIDATION_ERROR", "/data")
	h.do(http.MethodPatch, "/api/memberships/"+owner.ID, doc("memberships", owner.ID, attrs{}, map[string]any{"role": rel("roles", readOnly)})).
		wantError(t, 422, "VALIDATION_ERROR", "/data/relationships/role")
	transfer := func(email string) *result {
		return h.do(http.MethodPatch, "/api/organizations/"+org+"/transfer_ownership", doc("organizations", org, attrs{"new_owner_email": email}, nil))
	}
	transfer("stranger@example.com").wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/new_owner_email")
	transfer("new@example.com").wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/new_owner_email") // invited, not yet a member
	transfer("known@example.com").must(t, 202)
	newOwner, _ := h.sim.Object("memberships", active.ID)
	if !newOwner.Bool("owner") || newOwner.Rel("role").ID() != admin {
		t.Errorf("new owner %+v %+v", newOwner.Attributes, newOwner.Relationships)
	}
	transfer("known@example.com").wantError(t, 401, "UNAUTHORIZED", "")
	h.do(http.MethodDelete, "/api/memberships/"+owner.ID, nil).must(t, 204) // one's own, no longer the owner
	h.do(http.MethodGet, "/api/organizations/"+org, nil).wantError(t, 404, "RECORD_NOT_FOUND", "")
}

func TestAdminOnlyWrites(t *testing.T) {
	h := newHarness(t)
	org := h.org("Admins")
	mine := h.do(http.MethodGet, "/api/organizations/"+org+"/memberships", nil).must(t, 200).many(t)[0]
	other := h.membership(org, h.roleOf(org, "admin"), "other@example.com")
	custom := h.customRole(org, "Made while admin")
	// Demoted in the Dashboard: reads work, admin-only writes do not.
	if err := h.sim.SetRelationship("memberships", mine.ID, "role", h.roleOf(org, "read_only")); err != nil {
		t.Fatal(err)
	}
	h.do(http.MethodGet, "/api/memberships/"+other.ID, nil).must(t, 200)
	h.do(http.MethodPost, "/api/membership_profiles", create("membership_profiles", attrs{"name": "P", "access_scope": "live_access"},
		map[string]any{"organization": rel("organizations", org)})).wantError(t, 401, "UNAUTHORIZED", "")
	// Organizations, roles and permissions: admin-only too (the stricter reading).
	h.do(http.MethodPatch, "/api/organizations/"+org, doc("organizations", org, attrs{"name": "Renamed"}, nil)).wantError(t, 401, "UNAUTHORIZED", "")
	h.do(http.MethodPost, "/api/roles", create("roles", attrs{"name": "R"}, map[string]any{"organization": rel("organizations", org)})).
		wantError(t, 401, "UNAUTHORIZED", "")
	h.do(http.MethodPatch, "/api/roles/"+custom, doc("roles", custom, attrs{"name": "R2"}, nil)).wantError(t, 401, "UNAUTHORIZED", "")
	h.do(http.MethodPost, "/api/permissions", create("permissions",
		attrs{"subject": "orders", "can_create": true, "can_read": true, "can_update": true, "can_destroy": true},
		map[string]any{"role": rel("roles", custom)})).wantError(t, 401, "UNAUTHORIZED", "")
	h.do(http.MethodGet, "/api/organizations/"+org, nil).must(t, 200)
	res := h.do(http.MethodDelete, "/api/memberships/"+other.ID, nil)
	res.wantError(t, 401, "UNAUTHORIZED", "")
	// No 403 is documented: a refusal is a 401 that says "not authorized",
	// told apart from a bad token by its code (INVALID_TOKEN).
	if e := res.firstError(t); !strings.HasPrefix(e.Detail, "You are not authorized to perform this action on the requested resource") || e.Status != "401" {
		t.Errorf("refusal %+v", e)
	}
	if res.header.Get("WWW-Authenticate") != "" {
		t.Error("a refusal asks for new credentials")
	}
}

func TestAccessScopeAndProfiles(t *testing.T) {
	h := newHarness(t)
	org := h.org("Scopes")
	role := h.roleOf(org, "read_only")
	m := h.membership(org, role, "scope@example.com")
	testProfile := h.profile(org, "Testers", "test_access")
	liveProfile := h.profile(org, "Live", "live_access")
	get := func() *jsonapi.Resource {
		return h.do(http.MethodGet, "/api/memberships/"+m.ID, nil).must(t, 200).one(t)
	}
	patch := func(a attrs, r map[string]any) {
		t.Helper()
		h.do(http.MethodPatch, "/api/memberships/"+m.ID, doc("memberships", m.ID, a, r)).must(t, 200)
	}
	steps := []struct {
		name        string
		a           attrs
		r           map[string]any
		wantEnabled bool
	}{
		{"all_access", attrs{"access_scope": "all_access"}, nil, true},
		{"test_access", attrs{"access_scope": "test_access"}, nil, true},
		{"cleared to default", attrs{"access_scope": nil}, nil, false},
		{"the profile wins over live_access", attrs{"access_scope": "live_access"}, map[string]any{"membership_profile": rel("membership_profiles", testProfile)}, true},
		{"the profile wins over all_access", attrs{"access_scope": "all_access"}, map[string]any{"membership_profile": rel("membership_profiles", liveProfile)}, false},
		{"no profile", attrs{}, map[string]any{"membership_profile": map[string]any{"data": nil}}, true},
	}
	for _, s := range steps {
		patch(s.a, s.r)
		if got := get().Bool("test_enabled"); got != s.wantEnabled {
			t.Errorf("%s: test_enabled %v", s.name, got)
		}
	}
	// Changing the profile's scope moves its members.
	patch(attrs{"access_scope": "live_access"}, map[string]any{"membership_profile": rel("membership_profiles", liveProfile)})
	h.do(http.MethodPatch, "/api/membership_profiles/"+liveProfile, doc("membership_profiles", liveProfile, attrs{"access_scope": "all_access"}, nil)).must(t, 200)
	if !get().Bool("test_enabled") {
		t.Error("the profile's new scope did not reach its member")
	}
	h.do(http.MethodPatch, "/api/membership_profiles/"+liveProfile, doc("membership_profiles", liveProfile, attrs{"access_scope": nil}, nil)).
		wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/access_scope")
	h.do(http.MethodPost, "/api/membership_profiles", create("membership_profiles", attrs{"name": "No scope"},
		map[string]any{"organization": rel("organizations", org)})).wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/access_scope")
	// Deleting the profile leaves the membership without one.
	h.do(http.MethodDelete, "/api/membership_profiles/"+liveProfile, nil).must(t, 204)
	if r, _ := h.sim.Object("memberships", m.ID); r.Rel("membership_profile").ID() != "" || r.Bool("test_enabled") {
		t.Errorf("after deleting the profile: %+v %+v", r.Attributes, r.Relationships)
	}
}

func TestAPICredentials(t *testing.T) {
	h := newHarness(t)
	org := h.org("Apps")
	admin := h.roleOf(org, "admin")
	secret := regexp.MustCompile(`^[A-Za-z0-9]{43}$`)

	integ := h.credential(org, "integration", admin)
	if !integ.Bool("confidential") || !secret.MatchString(integ.String("client_id")) || !secret.MatchString(integ.String("client_secret")) ||
		integ.Attributes["expires_in"] != jsonNumber(7200) || integ.String("mode") != "test" {
		t.Errorf("integration %+v", integ.Attributes)
	}
	// A sales channel is not confidential, yet has a secret (a string, as
	// the spec types it; see validateAPICredential for the sources).
	sales := h.credential(org, "sales_channel", "")
	if sales.Bool("confidential") || sales.Attributes["expires_in"] != jsonNumber(14400) ||
		!secret.MatchString(sales.String("client_secret")) || sales.String("client_secret") == integ.String("client_secret") {
		t.Errorf("sales channel %+v", sales.Attributes)
	}
	if got := h.do(http.MethodGet, "/api/api_credentials/"+sales.ID, nil).must(t, 200).one(t).Attributes["client_secret"]; got != sales.String("client_secret") {
		t.Errorf("GET of the sales channel: client_secret %v, want the create response's", got)
	}
	again := h.do(http.MethodGet, "/api/api_credentials/"+integ.ID, nil).must(t, 200).one(t)
	if again.String("client_secret") != integ.String("client_secret") {
		t.Error("GET does not return the client_secret of the create response")
	}

	post := func(kind, role string, extra attrs) *result {
		a := attrs{"name": "App", "kind": kind}
		for k, v := range extra {
			a[k] = v
		}
		r := map[string]any{"organization": rel("organizations", org)}
		if role != "" {
			r["role"] = rel("roles", role)
		}
		return h.do(http.MethodPost, "/api/api_credentials", create("api_credentials", a, r))
	}
	tests := []struct {
		name, kind, role string
		extra            attrs
		status           int
		pointer          string
	}{
		{"integration needs a role", "integration", "", nil, 422, "/data/relationships/role"},
		{"sales_channel takes no role", "sales_channel", admin, nil, 422, "/data/relationships/role"},
		{"webapp takes no role", "webapp", admin, nil, 422, "/data/relationships/role"},
		{"webapp", "webapp", "", attrs{"redirect_uri": "https://app.example.com/callback"}, 201, ""},
		{"Dashboard app with a role", "orders", h.roleOf(org, "read_only"), attrs{"custom": true, "mode": "live"}, 201, ""},
		{"an app the docs list", "gift_cards", "", nil, 201, ""},
		{"a kind no source lists", "robots", "", nil, 201, ""},
		{"empty kind", "", "", nil, 422, "/data/attributes/kind"},
		{"resources cannot be created", "resources", "", nil, 422, "/data/attributes/kind"},
		{"bad mode", "sales_channel", "", attrs{"mode": "staging"}, 422, "/data/attributes/mode"},
		{"expires_in below 2 h", "sales_channel", "", attrs{"expires_in": 7199}, 422, "/data/attributes/expires_in"},
		{"expires_in above 1 year", "sales_channel", "", attrs{"expires_in": 31536001}, 422, "/data/attributes/expires_in"},
		{"expires_in bounds", "sales_channel", "", attrs{"expires_in": 31536000}, 201, ""},
		{"expires_in not an integer", "sales_channel", "", attrs{"expires_in": 7200.5}, 422, "/data/attributes/expires_in"},
		{"role of another organization", "integration", h.roleOf(h.org("Other"), "admin"), nil, 422, "/data/relationships/role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := post(tt.kind, tt.role, tt.extra)
			if tt.status == 201 {
				res.must(t, 201)
				return
			}
			res.wantError(t, tt.status, "VALIDATION_ERROR", tt.pointer)
		})
	}
	patch := func(a attrs, r map[string]any) *result {
		return h.do(http.MethodPatch, "/api/api_credentials/"+integ.ID, doc("api_credentials", integ.ID, a, r))
	}
	patch(attrs{"kind": "webapp"}, nil).wantError(t, 400, "PARAM_NOT_ALLOWED", "/data/attributes/kind")
	patch(nil, map[string]any{"role": map[string]any{"data": nil}}).wantError(t, 422, "VALIDATION_ERROR", "/data/relationships/role")
	patch(attrs{"name": nil}, nil).wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/name")
	if got := patch(attrs{"expires_in": nil, "redirect_uri": nil}, nil).must(t, 200).one(t); got.Attributes["expires_in"] != jsonNumber(7200) {
		t.Errorf("expires_in cleared: %v, want the default", got.Attributes["expires_in"])
	}
}

func TestApplicationMemberships(t *testing.T) {
	h := newHarness(t)
	org := h.org("AppMembers")
	admin := h.roleOf(org, "admin")
	cred := h.credential(org, "orders", admin).ID
	m := h.membership(org, admin, "app@example.com").ID
	profile := h.profile(org, "P", "live_access")
	post := func(a attrs, r map[string]any) *result {
		base := map[string]any{"api_credential": rel("api_credentials", cred), "organization": rel("organizations", org), "role": rel("roles", admin)}
		for k, v := range r {
			base[k] = v
		}
		return h.do(http.MethodPost, "/api/application_memberships", create("application_memberships", a, base))
	}
	post(attrs{}, nil).wantError(t, 422, "VALIDATION_ERROR", "/data/relationships/membership")
	post(attrs{}, map[string]any{"membership": rel("memberships", m), "membership_profile": rel("membership_profiles", profile)}).
		wantError(t, 422, "VALIDATION_ERROR", "/data/relationships/membership")
	post(attrs{"filters": map[string]any{"market_id_in": 1}}, map[string]any{"membership": rel("memberships", m)}).
		wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/filters")
	post(attrs{"filters": map[string]any{"market": 1}}, map[string]any{"membership": rel("memberships", m)}).
		wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/filters")
	am := post(attrs{"filters": map[string]any{"market_id_in": []any{1, 2}}}, map[string]any{"membership": rel("memberships", m)}).must(t, 201).one(t)
	post(attrs{}, map[string]any{"membership": rel("memberships", m)}).wantError(t, 422, "VALIDATION_ERROR", "/data/relationships/api_credential")

	// The membership lists it; writing the list replaces it (the one left out is deleted).
	got := h.do(http.MethodGet, "/api/memberships/"+m+"?include=application_memberships", nil).must(t, 200).one(t)
	if ids := got.Rel("application_memberships").IDs(); !slices.Equal(ids, []string{am.ID}) {
		t.Errorf("application_memberships %v", ids)
	}
	h.do(http.MethodPatch, "/api/memberships/"+m, doc("memberships", m, attrs{}, map[string]any{"application_memberships": rels("application_memberships")})).must(t, 200)
	h.do(http.MethodGet, "/api/application_memberships/"+am.ID, nil).must(t, 404)
	h.do(http.MethodPatch, "/api/memberships/"+m, doc("memberships", m, attrs{}, map[string]any{"application_memberships": rel("application_memberships", "x")})).
		wantError(t, 400, "INVALID_LINKS_OBJECT", "/data/relationships/application_memberships")
	// A credential, membership or profile with application memberships
	// cannot be deleted (423) until they are.
	am2 := post(attrs{}, map[string]any{"membership_profile": rel("membership_profiles", profile)}).must(t, 201).one(t)
	am3 := post(attrs{}, map[string]any{"membership": rel("memberships", m)}).must(t, 201).one(t)
	for _, path := range []string{"/api/api_credentials/" + cred, "/api/membership_profiles/" + profile, "/api/memberships/" + m} {
		h.do(http.MethodDelete, path, nil).wantError(t, 423, "LOCKED", "")
	}
	h.do(http.MethodDelete, "/api/application_memberships/"+am2.ID, nil).must(t, 204)
	h.do(http.MethodDelete, "/api/membership_profiles/"+profile, nil).must(t, 204)
	// Removed out of band (the test hook), it takes them with it.
	if err := h.sim.Remove("api_credentials", cred); err != nil {
		t.Fatal(err)
	}
	h.do(http.MethodGet, "/api/application_memberships/"+am3.ID, nil).must(t, 404)
	h.do(http.MethodDelete, "/api/memberships/"+m, nil).must(t, 204)
}

func TestIdentityProviders(t *testing.T) {
	h := newHarness(t)
	h.do(http.MethodPost, "/api/identity_providers", create("identity_providers", identityProviderAttrs("Lonely"), nil)).
		wantError(t, 401, "UNAUTHORIZED", "") // owns no organization yet
	h.org("SSO")
	idp := h.createOK("identity_providers", create("identity_providers", identityProviderAttrs("Okta"), nil))
	if idp.String("status") != "pending" || !strings.HasPrefix(idp.String("txt_record"), "cl-verification=") || idp.Attributes["disabled_at"] != nil {
		t.Errorf("new identity provider %+v", idp.Attributes)
	}
	// In clear, as the docs' create and retrieve examples show it.
	if s := idp.String("client_secret"); s != "idp-secret-123456" {
		t.Errorf("client_secret rendered %q, want it in clear", s)
	}
	if s := h.do(http.MethodGet, "/api/identity_providers/"+idp.ID, nil).must(t, 200).one(t).String("client_secret"); s != "idp-secret-123456" {
		t.Errorf("client_secret read back as %q", s)
	}
	// Masked when the simulator is told to.
	h.sim.SetMaskSecrets(true)
	if s := h.do(http.MethodGet, "/api/identity_providers/"+idp.ID, nil).must(t, 200).one(t).String("client_secret"); s != "*************3456" {
		t.Errorf("masked client_secret %q", s)
	}
	if r, _ := h.sim.Object("identity_providers", idp.ID); r.String("client_secret") != "*************3456" {
		t.Errorf("Object shows client_secret %q, not as the API does", r.String("client_secret"))
	}
	h.sim.SetMaskSecrets(false)
	user, _ := h.sim.Object("users", "")
	if r, _ := h.sim.Object("identity_providers", idp.ID); r.Rel("user").ID() != user.ID {
		t.Errorf("user relationship %+v", r.Rel("user"))
	}
	h.do(http.MethodPost, "/api/identity_providers", create("identity_providers", identityProviderAttrs("okta"), nil)).
		wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/name")
	bad := identityProviderAttrs("Bad")
	bad["domains"] = "a.com, b.com"
	h.do(http.MethodPost, "/api/identity_providers", create("identity_providers", bad, nil)).wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/domains")
	bad = identityProviderAttrs("Bad")
	delete(bad, "jwks_url")
	h.do(http.MethodPost, "/api/identity_providers", create("identity_providers", bad, nil)).wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/jwks_url")

	patch := func(a attrs) *jsonapi.Resource {
		return h.do(http.MethodPatch, "/api/identity_providers/"+idp.ID, doc("identity_providers", idp.ID, a, nil)).must(t, 200).one(t)
	}
	if got := patch(attrs{"_disable": true}); got.Attributes["disabled_at"] == nil {
		t.Error("_disable did not set disabled_at")
	}
	if got := patch(attrs{"_enable": true}); got.Attributes["disabled_at"] != nil {
		t.Error("_enable did not clear disabled_at")
	}
	h.do(http.MethodPatch, "/api/identity_providers/"+idp.ID, doc("identity_providers", idp.ID, attrs{"status": "verified"}, nil)).
		wantError(t, 400, "PARAM_NOT_ALLOWED", "/data/attributes/status")
	// Verification happens out of band (DNS); the Dashboard shows it.
	if err := h.sim.SetAttributes("identity_providers", idp.ID, map[string]any{"status": "verified"}); err != nil {
		t.Fatal(err)
	}
	if got := h.do(http.MethodGet, "/api/identity_providers?filter[q][status_eq]=verified", nil).must(t, 200).ids(t); !slices.Equal(got, []string{idp.ID}) {
		t.Errorf("verified: %v", got)
	}

	t.Run("masked from the start", func(t *testing.T) {
		h := newHarness(t, func(o *simulator.Options) { o.MaskSecrets = true })
		h.org("SSO")
		if s := h.createOK("identity_providers", create("identity_providers", identityProviderAttrs("Okta"), nil)).String("client_secret"); s != "*************3456" {
			t.Errorf("client_secret %q, want it masked", s)
		}
	})
	t.Run("non-Enterprise", func(t *testing.T) {
		h := newHarness(t, func(o *simulator.Options) { o.NonEnterprise = true })
		h.org("Growth")
		h.do(http.MethodPost, "/api/identity_providers", create("identity_providers", identityProviderAttrs("Okta"), nil)).wantError(t, 401, "UNAUTHORIZED", "")
	})
}

func TestUserSingleton(t *testing.T) {
	h := newHarness(t, func(o *simulator.Options) {
		o.UserEmail, o.UserFirstName, o.UserLastName = "ada@example.com", "Ada", "Lovelace"
	})
	u := h.do(http.MethodGet, "/api/user", nil).must(t, 200).one(t)
	if u.Type != "users" || u.String("email") != "ada@example.com" || u.String("first_name") != "Ada" || u.String("last_name") != "Lovelace" {
		t.Errorf("user %+v", u)
	}
	org := h.org("Mine")
	h.do(http.MethodPatch, "/api/user", doc("users", "", attrs{"email": "nope"}, nil)).wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/email")
	h.do(http.MethodPatch, "/api/user", doc("users", "", attrs{"first_name": nil}, nil)).wantError(t, 422, "VALIDATION_ERROR", "/data/attributes/first_name")
	h.do(http.MethodPatch, "/api/user", doc("users", "", attrs{"otp_required_for_login": true}, nil)).wantError(t, 400, "PARAM_NOT_ALLOWED", "/data/attributes/otp_required_for_login")
	got := h.do(http.MethodPatch, "/api/user", doc("users", "", attrs{"email": "ada@lovelace.org", "first_name": "Augusta", "time_zone": "Europe/London"}, nil)).must(t, 200).one(t)
	if got.String("email") != "ada@lovelace.org" || got.String("time_zone") != "Europe/London" {
		t.Errorf("patched user %+v", got.Attributes)
	}
	// The user's memberships follow, so the organization stays visible.
	ms := h.do(http.MethodGet, "/api/organizations/"+org+"/memberships", nil).must(t, 200).many(t)
	if len(ms) != 1 || ms[0].String("user_email") != "ada@lovelace.org" || ms[0].String("user_first_name") != "Augusta" {
		t.Errorf("membership after the user changed: %+v", ms)
	}
	h.do(http.MethodDelete, "/api/user", nil).must(t, 405)
	h.do(http.MethodPost, "/api/user", nil).must(t, 405)
}

func TestVersions(t *testing.T) {
	h := newHarness(t)
	org := h.org("Versions")
	role := h.customRole(org, "Before")
	h.do(http.MethodPatch, "/api/roles/"+role, doc("roles", role, attrs{"name": "After"}, nil)).must(t, 200)
	h.do(http.MethodPatch, "/api/roles/"+role, doc("roles", role, attrs{"name": "After"}, nil)).must(t, 200) // no change, no version
	vs := h.do(http.MethodGet, "/api/roles/"+role+"/versions", nil).must(t, 200).many(t)
	if len(vs) != 2 || vs[0].String("event") != "create" || vs[1].String("event") != "update" {
		t.Fatalf("role versions %+v", vs)
	}
	changes := object(t, vs[1].Attributes["changes"])
	if name, _ := changes["name"].([]any); len(name) != 2 || name[0] != "Before" || name[1] != "After" {
		t.Errorf("changes %v", changes)
	}
	who := object(t, vs[1].Attributes["who"])
	if _, ok := who["application"]; !ok {
		t.Errorf("who %v", who)
	}

	m := h.membership(org, h.roleOf(org, "read_only"), "v@example.com")
	if err := h.sim.SetAttributes("memberships", m.ID, map[string]any{"access_scope": "all_access"}); err != nil {
		t.Fatal(err)
	}
	mv := h.do(http.MethodGet, "/api/memberships/"+m.ID+"/versions", nil).must(t, 200).many(t)
	if len(mv) != 1 || mv[0].String("event") != "update" {
		t.Fatalf("membership versions %+v", mv)
	}
	if app, _ := object(t, mv[0].Attributes["who"])["application"].(map[string]any); app["kind"] != "dashboard" {
		t.Errorf("a Dashboard change: who %v", mv[0].Attributes["who"])
	}
	h.do(http.MethodDelete, "/api/memberships/"+m.ID, nil).must(t, 204)
	q := "/api/versions?filter[q][resource_type_eq]=memberships&filter[q][resource_id_eq]=" + m.ID + "&sort=-created_at,-id"
	if all := h.do(http.MethodGet, q, nil).must(t, 200).many(t); len(all) != 2 {
		t.Errorf("memberships versions after delete: %d", len(all))
	} else {
		events := []string{all[0].String("event"), all[1].String("event")}
		slices.Sort(events)
		if !slices.Equal(events, []string{"destroy", "update"}) {
			t.Errorf("events %v", events)
		}
	}
	v := vs[0]
	h.do(http.MethodGet, "/api/versions/"+v.ID, nil).must(t, 200)
	h.do(http.MethodPatch, "/api/versions/"+v.ID, doc("versions", v.ID, attrs{}, nil)).must(t, 405)
	h.do(http.MethodPost, "/api/versions", create("versions", attrs{}, nil)).must(t, 405)
}

func TestCrossOrganizationVisibility(t *testing.T) {
	h := newHarness(t)
	org := h.org("Hidden")
	role := h.roleOf(org, "admin")
	mine := h.do(http.MethodGet, "/api/organizations/"+org+"/memberships", nil).must(t, 200).many(t)[0]
	if err := h.sim.Remove("memberships", mine.ID); err != nil {
		t.Fatal(err)
	}
	h.do(http.MethodGet, "/api/organizations/"+org, nil).wantError(t, 404, "RECORD_NOT_FOUND", "")
	h.do(http.MethodGet, "/api/roles/"+role, nil).must(t, 404)
	if ids := h.do(http.MethodGet, "/api/roles", nil).must(t, 200).ids(t); len(ids) != 0 {
		t.Errorf("roles of a foreign organization listed: %v", ids)
	}
	h.do(http.MethodPost, "/api/roles", create("roles", attrs{"name": "x"}, map[string]any{"organization": rel("organizations", org)})).
		wantError(t, 422, "VALIDATION_ERROR", "/data/relationships/organization")
}

// 422s have the documented shape: title the message, detail "<name> -
// <message>", meta.error the rule's key; numeric bounds add value and count.
func TestValidationErrorShape(t *testing.T) {
	h := newHarness(t)
	org := h.org("Errors")
	// The SDK README's example: a role with a blank name and no organization.
	res := h.do(http.MethodPost, "/api/roles", create("roles", attrs{"name": ""}, nil))
	res.must(t, 422)
	got := map[string]jsonapi.Error{}
	for _, e := range res.doc(t).Errors {
		got[e.Source.Pointer] = e
	}
	for pointer, detail := range map[string]string{
		"/data/attributes/name":            "name - can't be blank",
		"/data/relationships/organization": "organization - can't be blank",
	} {
		e := got[pointer]
		if e.Title != "can't be blank" || e.Detail != detail || e.Code != "VALIDATION_ERROR" || e.Status != "422" || e.Meta["error"] != "blank" || len(e.Meta) != 1 {
			t.Errorf("%s: %+v", pointer, e)
		}
	}
	// A relationship to nothing reads the same way.
	e := h.do(http.MethodPost, "/api/roles", create("roles", attrs{"name": "x"}, map[string]any{"organization": rel("organizations", "nope")})).firstError(t)
	if e.Detail != "organization - can't be blank" || e.Meta["error"] != "blank" {
		t.Errorf("unknown organization: %+v", e)
	}
	post := func(expires any) jsonapi.Error {
		return h.do(http.MethodPost, "/api/api_credentials", create("api_credentials", attrs{"name": "A", "kind": "sales_channel", "expires_in": expires},
			map[string]any{"organization": rel("organizations", org)})).firstError(t)
	}
	if got := post(31536001); got.Title != "must be less than or equal to 31536000" || got.Meta["error"] != "less_than_or_equal_to" ||
		got.Meta["value"] != jsonNumber(31536001) || got.Meta["count"] != jsonNumber(31536000) {
		t.Errorf("above the maximum: %+v", got)
	}
	if got := post(60); got.Detail != "expires_in - must be greater than or equal to 7200" || got.Meta["error"] != "greater_than_or_equal_to" ||
		got.Meta["value"] != jsonNumber(60) || got.Meta["count"] != jsonNumber(7200) {
		t.Errorf("below the minimum: %+v", got)
	}
	if got := post(7200.5); got.Meta["error"] != "not_an_integer" {
		t.Errorf("not an integer: %+v", got)
	}
	e = h.do(http.MethodPost, "/api/memberships", create("memberships", attrs{"user_email": "owner@example.com"},
		map[string]any{"organization": rel("organizations", org), "role": rel("roles", h.roleOf(org, "admin"))})).firstError(t)
	if e.Meta["error"] != "taken" || e.Detail != "user_email - has already been taken" {
		t.Errorf("taken: %+v", e)
	}
}

// The application memberships one sees: one's own, plus all those of the
// organizations where one is admin (the docs' list endpoint).
func TestApplicationMembershipVisibility(t *testing.T) {
	h := newHarness(t)
	org := h.org("Apps seen")
	admin, readOnly := h.roleOf(org, "admin"), h.roleOf(org, "read_only")
	cred := h.credential(org, "orders", admin).ID
	mine := h.do(http.MethodGet, "/api/organizations/"+org+"/memberships", nil).must(t, 200).many(t)[0].ID
	other := h.membership(org, readOnly, "other@example.com").ID
	profile := h.profile(org, "P", "live_access")
	am := func(extra map[string]any) string {
		r := map[string]any{"api_credential": rel("api_credentials", cred), "organization": rel("organizations", org), "role": rel("roles", readOnly)}
		for k, v := range extra {
			r[k] = v
		}
		return h.createOK("application_memberships", create("application_memberships", attrs{}, r)).ID
	}
	own := am(map[string]any{"membership": rel("memberships", mine)})
	theirs := am(map[string]any{"membership": rel("memberships", other)})
	profiles := am(map[string]any{"membership_profile": rel("membership_profiles", profile)})

	list := func() []string {
		return sorted(h.do(http.MethodGet, "/api/application_memberships", nil).must(t, 200).ids(t))
	}
	if got := list(); !slices.Equal(got, sorted([]string{own, theirs, profiles})) {
		t.Errorf("as admin: %v", got)
	}
	// Demoted to read_only: only one's own.
	if err := h.sim.SetRelationship("memberships", mine, "role", readOnly); err != nil {
		t.Fatal(err)
	}
	if got := list(); !slices.Equal(got, []string{own}) {
		t.Errorf("as a read_only member: %v, want only %s", got, own)
	}
	h.do(http.MethodGet, "/api/application_memberships/"+own, nil).must(t, 200)
	h.do(http.MethodGet, "/api/application_memberships/"+theirs, nil).must(t, 404)
	h.do(http.MethodGet, "/api/application_memberships/"+profiles, nil).must(t, 404)
	// The member is seen, not their application memberships.
	res := h.do(http.MethodGet, "/api/memberships/"+other+"?include=application_memberships", nil).must(t, 200)
	if ids := res.one(t).Rel("application_memberships").IDs(); len(ids) != 0 || len(res.doc(t).Included) != 0 {
		t.Errorf("included %v / %s", ids, res.body)
	}
	if ids := h.do(http.MethodGet, "/api/memberships/"+other+"/application_memberships", nil).must(t, 200).ids(t); len(ids) != 0 {
		t.Errorf("related endpoint lists %v", ids)
	}
}
