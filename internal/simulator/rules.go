package simulator

import (
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
)

// Rule helpers shared by several API types. Each type's own rules live in
// the file named after it (organizations.go, roles.go, ...).

// lockedBy refuses the API DELETE of an object that objects of typ still
// point at through rel: 423, "The resource could not be deleted due to
// integrity constraints" (Core handling-errors table). Assumption: no
// source says whether deleting a membership, profile or credential takes
// its application memberships with it or is refused; refusing is the
// stricter reading (a client must delete them first, as Terraform's
// dependency order does). Out-of-band removals (the Remove hook) still
// cascade, see deleteChildren.
func lockedBy(w *write, typ, rel string) *apiError {
	n := w.st.count(typ, rel, w.old.id)
	if n == 0 {
		return nil
	}
	return &apiError{
		status: http.StatusLocked, code: "LOCKED", title: "Locked",
		detail: fmt.Sprintf("The resource could not be deleted due to integrity constraints: %d %s still refer to it", n, strings.ReplaceAll(typ, "_", " ")),
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

// ownedOrganizations counts the organizations the signed-in user owns.
func (st *store) ownedOrganizations() int { return len(st.caller().owned) }

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
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

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
