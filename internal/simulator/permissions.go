package simulator

// permissionsEntity: /api/permissions, the rights of a custom role on one
// Core subject. No DELETE.
func permissionsEntity() *entity {
	return &entity{
		typ: "permissions", list: true, get: true, create: true, update: true, versioned: true, adminOnly: true,
		// Sort: id and the common fields; filter: the four rights, subject,
		// restrictions (source: provisioning-sdk's PermissionSort and
		// PermissionFilter).
		attrs: common(
			a("can_create", kBool, fWrite|fRequired|fFilter),
			a("can_read", kBool, fWrite|fRequired|fFilter),
			a("can_update", kBool, fWrite|fRequired|fFilter),
			a("can_destroy", kBool, fWrite|fRequired|fFilter),
			a("subject", kString, fCreate|fRequired|fFilter),
			a("restrictions", kObject, fFilter),
		),
		rels: []relDef{
			one("organization", "organizations", fFilter),
			one("role", "roles", fCreate|fRequired|fFilter),
			many("versions", "versions", "", 0),
		},
		validate: validatePermission,
	}
}

func validatePermission(w *write) []*apiError {
	var errs []*apiError
	if !w.creating() {
		return nil
	}
	role := w.st.get("roles", w.o.rels["role"])
	w.o.rels["organization"] = role.rels["organization"]
	w.o.attrs["restrictions"] = map[string]any{}
	if role.str("kind") != "custom" {
		errs = append(errs, errRel("role", "must be a custom role: permissions of the admin and read_only roles cannot be changed"))
	}
	for _, p := range w.st.where("permissions", "role", role.id) {
		if p.str("subject") == w.o.str("subject") {
			errs = append(errs, errAttr("subject", "has already been taken"))
		}
	}
	return errs
}
