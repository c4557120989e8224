package simulator

import (
	"strings"
)

// membershipsEntity: /api/memberships, a user's place in an organization.
func membershipsEntity() *entity {
	return &entity{
		typ: "memberships", list: true, get: true, create: true, update: true, destroy: true,
		versioned: true, adminOnly: true,
		// Sort: status; filter: user_email, status, owner, access_scope
		// (source: provisioning-sdk's MembershipSort and MembershipFilter).
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
		validate: validateMembership,
		derive:   deriveTestEnabled,
		beforeDelete: func(w *write) *apiError {
			if w.old.attrs["owner"] == true {
				e := errBase("The owner's membership cannot be deleted: transfer the ownership of the organization first (PATCH /api/organizations/{id}/transfer_ownership)")
				return e
			}
			return lockedBy(w, "application_memberships", "membership")
		},
		cascade: deleteChildren("membership"),
	}
}

func validateMembership(w *write) []*apiError {
	var errs []*apiError
	o := w.o
	if w.creating() {
		email := o.str("user_email")
		if !validEmail(email) {
			errs = append(errs, errAttr("user_email", "is invalid"))
		}
		for _, m := range w.st.byEmail[strings.ToLower(email)] { // that email's memberships only
			if m.rels["organization"] == o.rels["organization"] {
				errs = append(errs, errAttr("user_email", "has already been taken"))
				break
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
