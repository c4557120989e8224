package simulator_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

const lagForTest = 5 * time.Second

// notFound checks that a GET answers 404 RECORD_NOT_FOUND, as for an id that
// does not exist.
func (h *harness) notFound(path string) {
	h.t.Helper()
	h.do(http.MethodGet, path, nil).wantError(h.t, http.StatusNotFound, "RECORD_NOT_FOUND", "")
}

// isNull reports whether a document's data is null.
func isNull(t *testing.T, r *result) bool {
	t.Helper()
	return strings.TrimSpace(string(r.doc(t).Data)) == "null"
}

func recordCount(t *testing.T, r *result) any {
	t.Helper()
	return r.doc(t).Meta["record_count"]
}

// A fresh object is missing from every GET, for exactly the lag, while
// writes see it at once.
func TestReadLagHidesFreshObjects(t *testing.T) {
	h := newHarness(t, func(o *simulator.Options) { o.ReadLag = lagForTest })
	h.do(http.MethodGet, "/api/user", nil).must(t, 200) // the signed-in user never lags

	// The create answers with the object and what it made (the primary).
	created := h.do(http.MethodPost, "/api/organizations?include=roles", create("organizations", attrs{"name": "Lagged"}, nil)).
		must(t, 201).one(t)
	org := created.ID
	var admin string
	for _, r := range created.Related("roles") {
		if r.String("kind") == "admin" {
			admin = r.ID
		}
	}
	if admin == "" {
		t.Fatalf("the create answer does not include the new admin role: %+v", created.Relationships["roles"])
	}

	// Reads: the object, its related routes, lists, filtered lists.
	h.notFound("/api/organizations/" + org)
	h.notFound("/api/organizations/" + org + "/roles")
	h.notFound("/api/roles/" + admin)
	h.notFound("/api/roles/" + admin + "/organization")
	list := h.do(http.MethodGet, "/api/organizations", nil).must(t, 200)
	if ids := list.ids(t); len(ids) != 0 || recordCount(t, list) != jsonNumber(0) {
		t.Errorf("list: %v, record_count %v: want nothing yet", ids, recordCount(t, list))
	}
	if ids := h.do(http.MethodGet, "/api/organizations?filter[q][name_eq]=Lagged", nil).must(t, 200).ids(t); len(ids) != 0 {
		t.Errorf("filtered list: %v", ids)
	}
	if ids := h.do(http.MethodGet, "/api/roles?filter[q][id_in]="+admin, nil).must(t, 200).ids(t); len(ids) != 0 {
		t.Errorf("roles by id: %v", ids)
	}

	// Writes: a PATCH of the fresh object succeeds and answers with it; a
	// POST may point at fresh objects; a DELETE of one succeeds.
	patched := h.do(http.MethodPatch, "/api/organizations/"+org, doc("organizations", org, attrs{"support_email": "help@example.com"}, nil)).
		must(t, 200).one(t)
	if patched.String("support_email") != "help@example.com" {
		t.Errorf("PATCH answer %+v", patched.Attributes)
	}
	member := h.membership(org, admin, "member@example.com").ID
	gone := h.membership(org, admin, "gone@example.com").ID
	h.do(http.MethodDelete, "/api/memberships/"+gone, nil).must(t, 204)
	h.notFound("/api/memberships/" + member)

	// Less than the lag: still missing. The lag itself: there.
	h.clock.Advance(lagForTest - time.Millisecond)
	h.notFound("/api/organizations/" + org)
	h.clock.Advance(time.Millisecond)
	got := h.do(http.MethodGet, "/api/organizations/"+org, nil).must(t, 200).one(t)
	if got.String("support_email") != "help@example.com" {
		t.Errorf("after the lag: %+v", got.Attributes)
	}
	if ids := h.do(http.MethodGet, "/api/organizations?filter[q][name_eq]=Lagged", nil).must(t, 200).ids(t); !slices.Equal(ids, []string{org}) {
		t.Errorf("filtered list after the lag: %v", ids)
	}
	if ids := h.do(http.MethodGet, "/api/organizations/"+org+"/memberships", nil).must(t, 200).ids(t); !slices.Contains(ids, member) || slices.Contains(ids, gone) {
		t.Errorf("memberships after the lag: %v (want %s, not the deleted %s)", ids, member, gone)
	}
	h.do(http.MethodGet, "/api/roles/"+admin+"/organization", nil).must(t, 200)
}

// Includes, to-one and to-many related routes leave a fresh target out, as
// a replica that has not got it yet (nor the change pointing at it) would.
func TestReadLagHidesFreshTargets(t *testing.T) {
	h := newHarness(t, func(o *simulator.Options) { o.ReadLag = lagForTest })
	org := h.org("Old")
	h.clock.Advance(lagForTest)
	admin := h.roleOf(org, "admin")
	member := h.membership(org, admin, "member@example.com").ID
	h.clock.Advance(lagForTest)

	// Fresh: a profile, pointed at by the old membership, and a membership
	// of the old role.
	profile := h.profile(org, "Fresh profile", "live_access")
	fresh := h.membership(org, admin, "fresh@example.com").ID
	include := "?include=" + url.QueryEscape("membership_profile")
	answer := h.do(http.MethodPatch, "/api/memberships/"+member+include, doc("memberships", member, attrs{},
		map[string]any{"membership_profile": rel("membership_profiles", profile)})).must(t, 200).one(t)
	if answer.Rel("membership_profile").ID() != profile || len(answer.Related("membership_profile")) != 1 {
		t.Errorf("the PATCH answer (the primary's) misses the fresh profile: %+v", answer.Relationships["membership_profile"])
	}

	read := h.do(http.MethodGet, "/api/memberships/"+member+include, nil).must(t, 200)
	m := read.one(t)
	if rel := m.Rel("membership_profile"); !rel.HasData || rel.One != nil || len(read.doc(t).Included) != 0 {
		t.Errorf("GET includes the fresh profile: %+v, included %d", rel, len(read.doc(t).Included))
	}
	if !isNull(t, h.do(http.MethodGet, "/api/memberships/"+member+"/membership_profile", nil).must(t, 200)) {
		t.Error("the to-one related route shows the fresh profile")
	}
	withMembers := h.do(http.MethodGet, "/api/roles/"+admin+"?include=memberships", nil).must(t, 200).one(t)
	if ids := withMembers.Rel("memberships").IDs(); !slices.Contains(ids, member) || slices.Contains(ids, fresh) {
		t.Errorf("include of the role's memberships: %v (want %s, not the fresh %s)", ids, member, fresh)
	}
	for _, inc := range withMembers.Included {
		if inc.ID == fresh {
			t.Errorf("the fresh membership is included")
		}
	}
	related := h.do(http.MethodGet, "/api/roles/"+admin+"/memberships", nil).must(t, 200)
	if ids := related.ids(t); slices.Contains(ids, fresh) || recordCount(t, related) != jsonNumber(len(ids)) {
		t.Errorf("related list: %v, record_count %v", ids, recordCount(t, related))
	}

	h.clock.Advance(lagForTest)
	m = h.do(http.MethodGet, "/api/memberships/"+member+include, nil).must(t, 200).one(t)
	if m.Rel("membership_profile").ID() != profile || len(m.Related("membership_profile")) != 1 {
		t.Errorf("after the lag: %+v", m.Relationships["membership_profile"])
	}
	if ids := h.do(http.MethodGet, "/api/roles/"+admin+"/memberships", nil).must(t, 200).ids(t); !slices.Contains(ids, fresh) {
		t.Errorf("after the lag, the role's memberships %v miss %s", ids, fresh)
	}
}

// SetReadLag changes the lag at run time; 0 turns it off.
func TestSetReadLag(t *testing.T) {
	h := newHarness(t)
	org := h.org("No lag")
	h.do(http.MethodGet, "/api/organizations/"+org, nil).must(t, 200)

	// The clock has not moved since the create: the organization is
	// younger than a minute, so a lag of a minute hides it.
	h.sim.SetReadLag(time.Minute)
	h.notFound("/api/organizations/" + org)
	h.clock.Advance(time.Minute)
	h.do(http.MethodGet, "/api/organizations/"+org, nil).must(t, 200)

	other := h.org("Other")
	h.notFound("/api/organizations/" + other)
	h.sim.SetReadLag(0)
	h.do(http.MethodGet, "/api/organizations/"+other, nil).must(t, 200)
}
