package simulator

// membershipProfilesEntity: /api/membership_profiles, access settings shared
// by memberships.
func membershipProfilesEntity() *entity {
	return &entity{
		typ: "membership_profiles", list: true, get: true, create: true, update: true, destroy: true,
		adminOnly: true,
		// Sort: name; filter: name, access_scope (source: provisioning-sdk's
		// MembershipProfileSort and MembershipProfileFilter).
		attrs: common(
			a("name", kString, fWrite|fRequired|fSort|fFilter),
			a("test_enabled", kBool, 0),
			withEnum(a("access_scope", kString, fWrite|fRequired|fFilter), accessScopes...),
		),
		rels: []relDef{
			one("organization", "organizations", fCreate|fRequired|fFilter),
			many("application_memberships", "application_memberships", "membership_profile", fWrite|fFilter),
		},
		validate: func(w *write) []*apiError { return uniqueAppCredentials(w, "application_memberships") },
		derive:   deriveTestEnabled,
		beforeDelete: func(w *write) *apiError {
			// Its memberships are left without a profile (see cascade).
			return lockedBy(w, "application_memberships", "membership_profile")
		},
		cascade: func(st *store, o *object) {
			deleteChildren("membership_profile")(st, o)
			for _, m := range st.where("memberships", "membership_profile", o.id) {
				c := m.clone()
				c.rels["membership_profile"] = ""
				st.put(m, c)
				deriveTestEnabled(st, c)
			}
		},
	}
}
