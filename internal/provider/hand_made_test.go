package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// handMade is an organization made by hand, through the API as the
// Dashboard would, with one or more objects of every type that can be
// listed and imported: what `terraform query` finds and
// `-generate-config-out` turns into configuration.
type handMade struct {
	org, slug                string
	adminRole, readOnlyRole  string
	customRole               string
	permission               string
	profile                  string
	owner, pending, active   string // memberships
	ownerEmail               string
	integration, storefront  string // API credentials
	ordersApp                string // a forked Dashboard app's credential
	resources                []string
	personAccess, teamAccess string // application memberships
	idp                      string
	counts                   map[string]int // objects of each list resource type
}

// Emails of the people in a hand-made organization.
const (
	handMadePendingEmail = "ada@bluebrand.example"
	handMadeActiveEmail  = "grace@bluebrand.example"
)

// newHandMade creates the organization and its objects; name makes it
// unique in the environment.
func newHandMade(t *testing.T, env *testEnv, name string) *handMade {
	t.Helper()
	env.needSim("creates an organization, which the real API cannot delete")
	ctx := context.Background()
	c := env.client
	create := func(typ string, attrs map[string]any, rels map[string]jsonapi.Relationship) *jsonapi.Resource {
		t.Helper()
		r, err := c.Create(ctx, &jsonapi.Resource{Type: typ, Attributes: attrs, Relationships: rels})
		if err != nil {
			t.Fatalf("creating %s by hand: %v", typ, err)
		}
		return r
	}
	one := jsonapi.ToOne
	h := &handMade{}

	org := create("organizations", map[string]any{
		"name": name, "support_email": "support@bluebrand.example", "primary_color": "#1E3A8A",
		"config":   map[string]any{"mfe": map[string]any{"default": map[string]any{"links": map[string]any{"cart": "https://cart.bluebrand.example"}}}},
		"metadata": map[string]any{"team": "ops"}, "reference": "erp-1",
	}, nil)
	h.org, h.slug = org.ID, org.String("slug")
	orgRel := map[string]jsonapi.Relationship{"organization": one("organizations", h.org)}
	with := func(rels map[string]jsonapi.Relationship) map[string]jsonapi.Relationship {
		out := map[string]jsonapi.Relationship{"organization": one("organizations", h.org)}
		for k, v := range rels {
			out[k] = v
		}
		return out
	}

	roles, err := c.List(ctx, "roles", provisioning.Query{Filters: map[string]string{"organization_id_eq": h.org}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		switch r.String("kind") {
		case "admin":
			h.adminRole = r.ID
		case "read_only":
			h.readOnlyRole = r.ID
		}
	}
	h.customRole = create("roles", map[string]any{"name": "Fulfilment"}, orgRel).ID
	h.permission = create("permissions", map[string]any{
		"subject": "orders", "can_create": false, "can_read": true, "can_update": true, "can_destroy": false,
	}, map[string]jsonapi.Relationship{"role": one("roles", h.customRole)}).ID
	h.profile = create("membership_profiles", map[string]any{"name": "Testers", "access_scope": "test_access"}, orgRel).ID

	members, err := c.List(ctx, "memberships", provisioning.Query{Filters: map[string]string{"organization_id_eq": h.org}})
	if err != nil || len(members) != 1 {
		t.Fatalf("the owner's membership: %v (%d memberships)", err, len(members))
	}
	h.owner, h.ownerEmail = members[0].ID, members[0].String("user_email")
	h.pending = create("memberships", map[string]any{"user_email": handMadePendingEmail},
		with(map[string]jsonapi.Relationship{
			"role": one("roles", h.readOnlyRole), "membership_profile": one("membership_profiles", h.profile),
		})).ID
	env.sim.AddKnownUser(handMadeActiveEmail, "Grace", "Hopper")
	h.active = create("memberships", map[string]any{
		"user_email": handMadeActiveEmail, "access_scope": "all_access", "metadata": map[string]any{"desk": "42"},
	}, with(map[string]jsonapi.Relationship{"role": one("roles", h.customRole)})).ID

	creds, err := c.List(ctx, "api_credentials", provisioning.Query{Filters: map[string]string{"organization_id_eq": h.org}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range creds {
		h.resources = append(h.resources, r.ID)
	}
	h.integration = create("api_credentials", map[string]any{"name": "Back office", "kind": "integration", "expires_in": 14400},
		with(map[string]jsonapi.Relationship{"role": one("roles", h.adminRole)})).ID
	h.storefront = create("api_credentials", map[string]any{"name": "Storefront", "kind": "sales_channel", "mode": "live"}, orgRel).ID
	h.ordersApp = create("api_credentials", map[string]any{"name": "Orders app", "kind": "orders"}, orgRel).ID

	app := func(role string, who map[string]jsonapi.Relationship, filters map[string]any) string {
		rels := with(who)
		rels["api_credential"] = one("api_credentials", h.ordersApp)
		rels["role"] = one("roles", role)
		attrs := map[string]any{}
		if filters != nil {
			attrs["filters"] = filters
		}
		return create("application_memberships", attrs, rels).ID
	}
	h.personAccess = app(h.readOnlyRole, map[string]jsonapi.Relationship{"membership": one("memberships", h.pending)},
		map[string]any{"market_id_in": []any{202, 203}, "status_eq": "placed"})
	h.teamAccess = app(h.adminRole, map[string]jsonapi.Relationship{"membership_profile": one("membership_profiles", h.profile)}, nil)

	domain := strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".example"
	h.idp = create("identity_providers", map[string]any{
		"name": h.slug + "-sso", "client_id": "sso-client", "client_secret": "sso-secret-" + h.slug,
		"issuer": "https://sso." + domain + "/", "domains": domain, "token_url": "https://sso." + domain + "/token",
		"authorize_url": "https://sso." + domain + "/authorize", "jwks_url": "https://sso." + domain + "/jwks",
	}, nil).ID

	h.counts = map[string]int{
		"organization": 1, "role": 3, "permission": 1, "membership_profile": 1, "membership": 3,
		"api_credential": 3 + len(h.resources), "application_membership": 2, "identity_provider": 1,
	}
	return h
}

// listConfig is a `list` block per listable type over the hand-made
// organization (identity providers by name: they belong to a user).
func (h *handMade) listConfig(extra string) string {
	return h.listConfigFor(fmt.Sprintf("%q", h.org), extra)
}

// listConfigFor is listConfig with the organization's id given as an HCL
// expression (var.organization_id, as the migration guide writes it).
func (h *handMade) listConfigFor(orgID, extra string) string {
	var b strings.Builder
	for _, typ := range listableTypes {
		filter := "organization_id = " + orgID
		switch typ {
		case "organization":
			filter = fmt.Sprintf("slug = %q", h.slug)
		case "identity_provider":
			filter = fmt.Sprintf("name = %q", h.slug+"-sso")
		}
		fmt.Fprintf(&b, `list "clprovisioning_%s" %q {
  provider = clprovisioning
  %s
  config {
    %s
  }
}

`, typ, typ, extra, filter)
	}
	return b.String()
}

// listableTypes are the resource types with a list resource.
var listableTypes = []string{
	"organization", "role", "permission", "membership", "membership_profile",
	"api_credential", "application_membership", "identity_provider",
}
