package simulator

// rolesEntity: /api/roles. No DELETE; kind is set by the API (custom for
// the roles created through it).
func rolesEntity() *entity {
	return &entity{
		typ: "roles", list: true, get: true, create: true, update: true, versioned: true, adminOnly: true,
		// Sort: name; filter: name, kind (source: provisioning-sdk's
		// RoleSort and RoleFilter types).
		attrs: common(
			a("name", kString, fWrite|fRequired|fSort|fFilter),
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
		authorize: func(w *write) *apiError {
			// A missing organization is left to the 422 of the relationship.
			if org := w.o.rels["organization"]; w.creating() && org != "" && !w.st.isEnterprise(org) {
				return errNotPermitted("custom roles are available on Enterprise plans only")
			}
			return nil
		},
		validate: func(w *write) []*apiError {
			if w.creating() {
				w.o.attrs["kind"] = "custom"
			}
			return nil
		},
		cascade: func(st *store, o *object) {
			for _, p := range st.where("permissions", "role", o.id) {
				st.delete(p, whoDashboard())
			}
		},
	}
}
