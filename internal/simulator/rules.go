package simulator

import (
	"net/mail"
	"net/url"
	"strings"
)

// Rule helpers shared by several API types. Each type's own rules live in
// the file named after it (organizations.go, roles.go, ...).

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
