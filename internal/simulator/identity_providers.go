package simulator

import (
	"regexp"
	"strings"
)

// identityProvidersEntity: /api/identity_providers, OpenID Connect single
// sign-on for the Dashboard.
func identityProvidersEntity() *entity {
	return &entity{
		typ: "identity_providers", list: true, get: true, create: true, update: true, destroy: true,
		// Sort and filter: every attribute but the triggers (source:
		// provisioning-sdk's IdentityProviderSort and IdentityProviderFilter).
		attrs: common(
			a("name", kString, fWrite|fRequired|fSort|fFilter),
			a("client_id", kString, fWrite|fRequired|fSort|fFilter),
			// In clear by default: the docs' create and retrieve examples
			// return it so (docs: provisioning/api-reference/
			// identity_providers/create, /retrieve). Masking, which no source
			// shows, is the MaskSecrets option. Sortable and filterable as
			// the SDK's IdentityProviderSort/Filter types list it.
			a("client_secret", kString, fWrite|fRequired|fSecret|fSort|fFilter),
			a("issuer", kString, fWrite|fRequired|fSort|fFilter),
			withDefault(withEnum(a("status", kString, fSort|fFilter), "pending", "verified", "error"), "pending"),
			a("domains", kString, fWrite|fRequired|fSort|fFilter),
			a("token_url", kString, fWrite|fRequired|fSort|fFilter),
			a("authorize_url", kString, fWrite|fRequired|fSort|fFilter),
			a("jwks_url", kString, fWrite|fRequired|fSort|fFilter),
			a("txt_record", kString, fSort|fFilter),
			a("organization", kString, fWrite|fNullable|fSort|fFilter),
			a("disabled_at", kTime, fSort|fFilter),
			a("_disable", kBool, fWrite|fTrigger),
			a("_enable", kBool, fWrite|fTrigger),
		),
		rels: []relDef{
			one("user", "users", 0),
		},
		authorize: func(w *write) *apiError {
			owned := w.st.caller().owned
			if len(owned) == 0 {
				return errNotPermitted("identity providers can be changed by an organization owner only")
			}
			for org := range owned {
				if w.st.isEnterprise(org) {
					return nil
				}
			}
			return errNotPermitted("identity providers can be changed on Enterprise plans only")
		},
		validate: validateIdentityProvider,
	}
}

var domainRe = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)

func validateIdentityProvider(w *write) []*apiError {
	var errs []*apiError
	o := w.o
	for _, name := range []string{"token_url", "authorize_url", "jwks_url"} {
		if s, ok := o.attrs[name].(string); ok && !validURL(s) {
			errs = append(errs, errAttr(name, "is not a valid URL"))
		}
	}
	if s, ok := o.attrs["domains"].(string); ok {
		for _, d := range strings.Split(s, ",") {
			if !domainRe.MatchString(d) {
				errs = append(errs, errAttr("domains", "must be a comma-separated list of domains"))
				break
			}
		}
	}
	for _, x := range w.st.objs["identity_providers"] {
		if x.id != o.id && strings.EqualFold(x.str("name"), o.str("name")) {
			errs = append(errs, errAttr("name", "has already been taken"))
		}
	}
	if w.creating() {
		o.attrs["txt_record"] = "cl-verification=" + randString(7)
		o.attrs["disabled_at"] = nil
		o.rels["user"] = w.st.userID
	}
	switch {
	case w.triggers["_disable"] && w.triggers["_enable"]:
		errs = append(errs, errAttr("_enable", "cannot be sent together with _disable"))
	case w.triggers["_disable"]:
		if o.attrs["disabled_at"] == nil {
			o.attrs["disabled_at"] = w.st.timestamp()
		}
	case w.triggers["_enable"]:
		o.attrs["disabled_at"] = nil
	}
	return errs
}
