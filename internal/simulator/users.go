package simulator

import (
	"strings"
)

// usersEntity: /api/user, the signed-in user (a singleton).
func usersEntity() *entity {
	return &entity{
		typ: "users", path: "user", singleton: true, get: true, update: true,
		attrs: common(
			a("email", kString, fUpdate),
			a("first_name", kString, fUpdate),
			a("last_name", kString, fUpdate),
			a("time_zone", kString, fUpdate|fNullable),
			withDefault(a("otp_required_for_login", kBool, 0), false),
		),
		validate:  validateUser,
		afterSave: func(w *write) { w.st.syncUser(w.old.str("email"), w.o) },
	}
}

func validateUser(w *write) []*apiError {
	if email, ok := w.in.attrs["email"].(string); ok && !validEmail(email) {
		return []*apiError{errAttr("email", "is invalid")}
	}
	return nil
}

// syncUser makes the memberships of the signed-in user, found by the email
// it had, follow its current email and names.
func (st *store) syncUser(oldEmail string, u *object) {
	for _, m := range st.sorted(st.byEmail[strings.ToLower(oldEmail)]) {
		c := m.clone()
		c.attrs["user_email"] = u.attrs["email"]
		c.attrs["user_first_name"] = u.attrs["first_name"]
		c.attrs["user_last_name"] = u.attrs["last_name"]
		st.put(m, c)
	}
}
