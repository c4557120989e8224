package simulator

import (
	"strconv"
	"strings"
)

// applicationMembershipsEntity: /api/application_memberships, the access of a
// membership or profile to one application under a role.
func applicationMembershipsEntity() *entity {
	return &entity{
		typ: "application_memberships", list: true, get: true, create: true, update: true, destroy: true,
		adminOnly: true,
		// Sort: id and the common fields; filter: filters (source:
		// provisioning-sdk's ApplicationMembershipSort and
		// ApplicationMembershipFilter).
		attrs: common(
			a("filters", kObject, fWrite|fNullable|fFilter),
		),
		rels: []relDef{
			one("api_credential", "api_credentials", fCreate|fRequired|fFilter),
			one("membership", "memberships", fCreate|fFilter),
			one("membership_profile", "membership_profiles", fWrite|fNullable|fFilter),
			one("organization", "organizations", fCreate|fRequired|fFilter),
			one("role", "roles", fWrite|fRequired|fFilter),
		},
		validate: validateApplicationMembership,
	}
}

func validateApplicationMembership(w *write) []*apiError {
	var errs []*apiError
	o := w.o
	hasM, hasP := o.rels["membership"] != "", o.rels["membership_profile"] != ""
	if hasM == hasP {
		name := "membership"
		if !w.creating() {
			name = "membership_profile"
		}
		errs = append(errs, errRel(name, "exactly one of membership and membership_profile is required"))
	}
	for _, x := range w.st.where("application_memberships", "api_credential", o.rels["api_credential"]) {
		if x.id == o.id {
			continue
		}
		if hasM && x.rels["membership"] == o.rels["membership"] {
			errs = append(errs, errRel("api_credential", "has already been taken for this membership"))
		}
		if hasP && x.rels["membership_profile"] == o.rels["membership_profile"] {
			errs = append(errs, errRel("api_credential", "has already been taken for this membership profile"))
		}
	}
	if f, ok := o.attrs["filters"].(map[string]any); ok {
		if _, sent := w.in.attrs["filters"]; sent {
			errs = append(errs, validateFilters(f)...)
		}
	}
	return errs
}

// validateFilters checks the Core predicate syntax of application
// membership filters: <attrs>_<matcher> keys, arrays for *_in / *_not_in.
func validateFilters(f map[string]any) []*apiError {
	var errs []*apiError
	for key, v := range f {
		attrs, matcher, ok := splitPredicate(key, func(string) bool { return true })
		if !ok || strings.HasPrefix(attrs, "_") || strings.HasSuffix(attrs, "_") {
			errs = append(errs, errAttr("filters", "has an invalid predicate "+strconv.Quote(key)+": keys are <attribute>_<matcher>"))
			continue
		}
		if matcher == "in" || matcher == "not_in" {
			if _, isArray := v.([]any); !isArray {
				errs = append(errs, errAttr("filters", "must have an array value for "+strconv.Quote(key)))
			}
		}
	}
	return errs
}
