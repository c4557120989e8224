package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// skipBelowQuery: list resources and `terraform query` need Terraform 1.14
// (OpenTofu has neither, and reports its own version, below 1.14).
var skipBelowQuery = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// queryCheckFunc is a query check made of a plain function (the request
// log, say).
type queryCheckFunc func() error

func (f queryCheckFunc) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = f()
}

// byID picks the result whose identity is the object's id.
func byID(id string) queryfilter.QueryFilter {
	return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
}

// value is a known value check of a listed object's attribute.
func value(attr string, v knownvalue.Check) querycheck.KnownValueCheck {
	return querycheck.KnownValueCheck{Path: tfjsonpath.New(attr), KnownValue: v}
}

// Every list resource finds the objects of an organization made by hand:
// identities, display names and (with include_resource) the objects, with
// no secret; filters narrow the lists as the plural data sources do.
func TestAccListResources(t *testing.T) {
	skipBelowCLI(t, "1.14.0", "list resources and terraform query")
	env := newTestEnv(t)
	h := newHandMade(t, env, "Listed Brand")
	addr := func(typ string) string { return "clprovisioning_" + typ + "." + typ }

	found := []querycheck.QueryResultCheck{}
	for _, typ := range listableTypes {
		found = append(found, querycheck.ExpectLength(addr(typ), h.counts[typ]))
	}
	identities := map[string][]string{
		"organization": {h.org}, "role": {h.adminRole, h.readOnlyRole, h.customRole}, "permission": {h.permission},
		"membership": {h.owner, h.pending, h.active}, "membership_profile": {h.profile},
		"api_credential":         append([]string{h.integration, h.storefront, h.ordersApp}, h.resources...),
		"application_membership": {h.personAccess, h.teamAccess}, "identity_provider": {h.idp},
	}
	for typ, ids := range identities {
		for _, id := range ids {
			found = append(found, querycheck.ExpectIdentity(addr(typ), map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}))
		}
	}
	names := map[string]map[string]string{
		"organization":           {h.org: "Listed Brand (" + h.slug + ")"},
		"role":                   {h.customRole: "Fulfilment (Listed Brand)", h.adminRole: "admin (Listed Brand)"},
		"permission":             {h.permission: "Fulfilment: orders"},
		"membership":             {h.owner: h.ownerEmail, h.pending: handMadePendingEmail, h.active: handMadeActiveEmail},
		"membership_profile":     {h.profile: "Testers"},
		"api_credential":         {h.integration: "Back office", h.storefront: "Storefront"},
		"application_membership": {h.personAccess: "Orders app: " + handMadePendingEmail, h.teamAccess: "Orders app: Testers"},
		"identity_provider":      {h.idp: h.slug + "-sso"},
	}
	for typ, byName := range names {
		for id, name := range byName {
			found = append(found, querycheck.ExpectResourceDisplayName(addr(typ), byID(id), knownvalue.StringExact(name)))
		}
	}
	// Identities alone: the objects are read once, listed 25 at a time, and
	// nothing but lists is asked for.
	found = append(found, queryCheckFunc(func() error {
		for _, r := range env.sim.Requests() {
			q, _ := url.ParseQuery(r.Query)
			if r.Path != "/oauth/token" && (r.Method != http.MethodGet || q.Get("page[size]") != "25") {
				return fmt.Errorf("a query made %s %s?%s; want only list pages of 25\n%s", r.Method, r.Path, r.Query, env.requestLog())
			}
		}
		return nil
	}))

	objects := []querycheck.QueryResultCheck{
		querycheck.ExpectResourceKnownValues(addr("organization"), byID(h.org), []querycheck.KnownValueCheck{
			value("name", knownvalue.StringExact("Listed Brand")), value("slug", knownvalue.StringExact(h.slug)),
			value("admin_role_id", knownvalue.StringExact(h.adminRole)), value("region", knownvalue.StringExact("eu-west-1")),
			value("metadata", knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("ops")})),
		}),
		querycheck.ExpectResourceKnownValues(addr("role"), byID(h.readOnlyRole), []querycheck.KnownValueCheck{
			value("kind", knownvalue.StringExact("read_only")), value("organization_id", knownvalue.StringExact(h.org)),
		}),
		querycheck.ExpectResourceKnownValues(addr("permission"), byID(h.permission), []querycheck.KnownValueCheck{
			value("role_id", knownvalue.StringExact(h.customRole)), value("can_read", knownvalue.Bool(true)),
			value("can_destroy", knownvalue.Bool(false)), value("organization_id", knownvalue.StringExact(h.org)),
		}),
		querycheck.ExpectResourceKnownValues(addr("membership"), byID(h.owner), []querycheck.KnownValueCheck{
			value("owner", knownvalue.Bool(true)), value("status", knownvalue.StringExact("active")),
			value("role_id", knownvalue.StringExact(h.adminRole)),
		}),
		querycheck.ExpectResourceKnownValues(addr("membership"), byID(h.pending), []querycheck.KnownValueCheck{
			value("status", knownvalue.StringExact("pending")), value("membership_profile_id", knownvalue.StringExact(h.profile)),
			value("effective_test_enabled", knownvalue.Bool(true)), value("test_enabled", knownvalue.Bool(false)),
		}),
		querycheck.ExpectResourceKnownValues(addr("membership_profile"), byID(h.profile), []querycheck.KnownValueCheck{
			value("access_scope", knownvalue.StringExact("test_access")), value("test_enabled", knownvalue.Bool(true)),
		}),
		querycheck.ExpectResourceKnownValues(addr("api_credential"), byID(h.integration), []querycheck.KnownValueCheck{
			value("kind", knownvalue.StringExact("integration")), value("role_id", knownvalue.StringExact(h.adminRole)),
			value("client_id", knownvalue.NotNull()), value("client_secret", knownvalue.Null()),
			value("expires_in", knownvalue.Int64Exact(14400)), value("store_client_secret", knownvalue.Bool(false)),
		}),
		querycheck.ExpectResourceKnownValues(addr("application_membership"), byID(h.personAccess), []querycheck.KnownValueCheck{
			value("api_credential_id", knownvalue.StringExact(h.ordersApp)), value("membership_id", knownvalue.StringExact(h.pending)),
			value("membership_profile_id", knownvalue.Null()), value("role_id", knownvalue.StringExact(h.readOnlyRole)),
		}),
		querycheck.ExpectResourceKnownValues(addr("identity_provider"), byID(h.idp), []querycheck.KnownValueCheck{
			value("client_id", knownvalue.StringExact("sso-client")), value("client_secret", knownvalue.Null()),
			value("domains", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("listedbrand.example")})),
			value("enabled", knownvalue.Bool(true)),
		}),
	}

	filtered := fmt.Sprintf(`
list "clprovisioning_membership" "pending" {
  provider = clprovisioning
  config {
    organization_id = %[1]q
    status          = "pending"
  }
}
list "clprovisioning_role" "custom" {
  provider = clprovisioning
  config {
    organization_id = %[1]q
    kind            = "custom"
  }
}
list "clprovisioning_api_credential" "resources" {
  provider = clprovisioning
  config {
    organization_id = %[1]q
    kind            = "resources"
  }
}
list "clprovisioning_permission" "by_organization" {
  provider = clprovisioning
  config {
    organization_id = %[1]q
  }
}
list "clprovisioning_application_membership" "of_profile" {
  provider = clprovisioning
  config {
    membership_profile_id = %[2]q
  }
}
list "clprovisioning_organization" "by_name" {
  provider = clprovisioning
  config {
    name_contains = "Listed"
  }
}
`, h.org, h.profile)

	env.test(resource.TestCase{
		TerraformVersionChecks: skipBelowQuery,
		Steps: []resource.TestStep{
			// The organization was made by hand: the configuration only
			// configures the provider.
			{Config: env.config("")},
			{Query: true, Config: h.listConfig(""), QueryResultChecks: found},
			{Query: true, Config: h.listConfig("include_resource = true"), QueryResultChecks: objects},
			{Query: true, Config: filtered, QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("clprovisioning_membership.pending", 1),
				querycheck.ExpectIdentity("clprovisioning_membership.pending", map[string]knownvalue.Check{"id": knownvalue.StringExact(h.pending)}),
				querycheck.ExpectLength("clprovisioning_role.custom", 1),
				querycheck.ExpectIdentity("clprovisioning_role.custom", map[string]knownvalue.Check{"id": knownvalue.StringExact(h.customRole)}),
				querycheck.ExpectLength("clprovisioning_api_credential.resources", 2),
				querycheck.ExpectLength("clprovisioning_permission.by_organization", 1),
				querycheck.ExpectLength("clprovisioning_application_membership.of_profile", 1),
				querycheck.ExpectIdentity("clprovisioning_application_membership.of_profile", map[string]knownvalue.Check{"id": knownvalue.StringExact(h.teamAccess)}),
				querycheck.ExpectLength("clprovisioning_organization.by_name", 1),
			}},
		},
	})
}

// A list longer than a page is read 25 at a time, every page, and a
// `limit` caps what is shown.
func TestAccListResourcePages(t *testing.T) {
	skipBelowCLI(t, "1.14.0", "list resources and terraform query")
	env := newTestEnv(t)
	env.needSim()
	h := newHandMade(t, env, "Paged Brand")
	for i := range 27 {
		if _, err := env.client.Create(context.Background(), &jsonapi.Resource{Type: "memberships",
			Attributes: map[string]any{"user_email": fmt.Sprintf("person%02d@paged.example", i)},
			Relationships: map[string]jsonapi.Relationship{
				"organization": jsonapi.ToOne("organizations", h.org), "role": jsonapi.ToOne("roles", h.readOnlyRole),
			}}); err != nil {
			t.Fatal(err)
		}
	}
	pages := func(want int) querycheck.QueryResultCheck {
		return queryCheckFunc(func() error {
			got := 0
			for _, r := range env.sim.Requests() {
				if r.Method == http.MethodGet && r.Path == "/api/memberships" {
					q, _ := url.ParseQuery(r.Query)
					if q.Get("page[size]") != "25" || q.Get("filter[q][organization_id_eq]") != h.org {
						return fmt.Errorf("unexpected list request %s?%s", r.Path, r.Query)
					}
					got++
				}
			}
			if got != want {
				return fmt.Errorf("%d list pages read, want %d\n%s", got, want, env.requestLog())
			}
			return nil
		})
	}
	list := func(extra string) string {
		return fmt.Sprintf(`
list "clprovisioning_membership" "all" {
  provider = clprovisioning
  %s
  config {
    organization_id = %q
  }
}
`, extra, h.org)
	}
	env.test(resource.TestCase{
		TerraformVersionChecks: skipBelowQuery,
		Steps: []resource.TestStep{
			{Config: env.config("")},
			{Query: true, Config: list(""), QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("clprovisioning_membership.all", 30), pages(2),
			}},
			{Query: true, Config: list("limit = 10"), QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("clprovisioning_membership.all", 10),
			}},
		},
	})
}

// Every resource that can be imported has a list resource, whose arguments
// are exactly the plural data source's filters.
func TestListResourcesCoverResources(t *testing.T) {
	ctx := context.Background()
	p, ok := New("test")().(provider.ProviderWithListResources)
	if !ok {
		t.Fatal("the provider has no list resources")
	}
	lists := map[string]list.ListResource{}
	for _, newList := range p.ListResources(ctx) {
		l := newList()
		var md fwresource.MetadataResponse
		l.Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "clprovisioning"}, &md)
		lists[md.TypeName] = l
	}
	for _, typ := range listableTypes {
		l, ok := lists["clprovisioning_"+typ]
		if !ok {
			t.Errorf("clprovisioning_%s has no list resource", typ)
			continue
		}
		var ls list.ListResourceSchemaResponse
		l.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &ls)
		var ds datasource.SchemaResponse
		for _, newDS := range p.DataSources(ctx) {
			d := newDS()
			var md datasource.MetadataResponse
			d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "clprovisioning"}, &md)
			if md.TypeName == "clprovisioning_"+typ+"s" {
				d.Schema(ctx, datasource.SchemaRequest{}, &ds)
			}
		}
		var want, got []string
		for name, a := range ds.Schema.Attributes {
			if a.IsOptional() {
				want = append(want, name)
			}
		}
		for name := range ls.Schema.Attributes {
			got = append(got, name)
		}
		slices.Sort(want)
		slices.Sort(got)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("clprovisioning_%s: list resource arguments %v, plural data source arguments %v", typ, got, want)
		}
	}
	if len(lists) != len(listableTypes) {
		t.Errorf("%d list resources, want %d", len(lists), len(listableTypes))
	}
	// The user is a singleton: there is nothing to list.
	for _, e := range everyEntity(t) {
		if _, ok := lists["clprovisioning_"+e.name]; !ok && e.name != "user" {
			t.Errorf("clprovisioning_%s can be imported but has no list resource", e.name)
		}
	}
}
