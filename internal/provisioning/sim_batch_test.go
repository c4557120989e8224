package provisioning

import (
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// The include lists the provider reads each type with (internal/provider's
// entities), so the batched path is checked the way it is used.
var providerIncludes = map[string][]string{
	"api_credentials":         {"organization", "role"},
	"application_memberships": {"api_credential", "organization", "role", "membership", "membership_profile"},
	"identity_providers":      {"user"},
	"membership_profiles":     {"organization"},
	"memberships":             {"organization", "role", "membership_profile"},
	"organizations":           nil,
	"permissions":             {"role", "organization"},
	"roles":                   {"organization"},
	"versions":                nil,
}

// seedSimulator makes two organizations with two of everything.
func seedSimulator(t *testing.T, c *Client) {
	t.Helper()
	ctx := t.Context()
	create := func(typ string, attrs map[string]any, rels map[string]jsonapi.Relationship) *jsonapi.Resource {
		t.Helper()
		r, err := c.Create(ctx, &jsonapi.Resource{Type: typ, Attributes: attrs, Relationships: rels})
		if err != nil {
			t.Fatalf("creating %s: %v", typ, err)
		}
		return r
	}
	for i := range 2 {
		org := create("organizations", map[string]any{"name": fmt.Sprintf("Org %d", i)}, nil)
		orgRel := jsonapi.ToOne("organizations", org.ID)
		profile := create("membership_profiles", map[string]any{"name": fmt.Sprint("Profile ", i), "access_scope": "all_access"},
			map[string]jsonapi.Relationship{"organization": orgRel})
		var roleIDs []string
		for j := range 2 {
			role := create("roles", map[string]any{"name": fmt.Sprintf("Role %d.%d", i, j)}, map[string]jsonapi.Relationship{"organization": orgRel})
			roleIDs = append(roleIDs, role.ID)
			roleRel := jsonapi.ToOne("roles", role.ID)
			create("permissions", map[string]any{"subject": fmt.Sprint("orders", j), "can_create": true, "can_read": true, "can_update": false, "can_destroy": false},
				map[string]jsonapi.Relationship{"role": roleRel})
			rels := map[string]jsonapi.Relationship{"organization": orgRel, "role": roleRel}
			if j == 0 {
				rels["membership_profile"] = jsonapi.ToOne("membership_profiles", profile.ID)
			}
			m := create("memberships", map[string]any{"user_email": fmt.Sprintf("m%d.%d@example.com", i, j)}, rels)
			cred := create("api_credentials", map[string]any{"name": fmt.Sprintf("Cred %d.%d", i, j), "kind": "integration"},
				map[string]jsonapi.Relationship{"organization": orgRel, "role": roleRel})
			create("application_memberships", nil, map[string]jsonapi.Relationship{
				"api_credential": jsonapi.ToOne("api_credentials", cred.ID), "organization": orgRel,
				"role": roleRel, "membership": jsonapi.ToOne("memberships", m.ID)})
			create("identity_providers", map[string]any{
				"name": fmt.Sprintf("idp-%d-%d", i, j), "client_id": "cid", "client_secret": "a-secret-value",
				"issuer": "https://idp.example.com", "domains": fmt.Sprintf("d%d%d.example.com", i, j),
				"token_url": "https://idp.example.com/token", "authorize_url": "https://idp.example.com/authorize",
				"jwks_url": "https://idp.example.com/jwks"}, nil)
		}
		if _, err := c.Update(ctx, &jsonapi.Resource{Type: "roles", ID: roleIDs[0], Attributes: map[string]any{"name": "Renamed"}}); err != nil {
			t.Fatal(err)
		}
	}
}

// For every type, a batched Get (one list request for many ids) returns
// exactly what the plain GET returns: attributes, links, and the data of
// the included relationships, field by field.
// With sparse fieldsets on too, both paths thin the included objects alike.
func TestBatchedReadEqualsSingleGETOnTheSimulator(t *testing.T) {
	t.Parallel()
	for _, sparse := range []bool{false, true} {
		t.Run(fmt.Sprint("sparse=", sparse), func(t *testing.T) {
			t.Parallel()
			batchedEqualsSingle(t, sparse)
		})
	}
}

func batchedEqualsSingle(t *testing.T, sparse bool) {
	sim := simulator.New(simulator.Options{ClientID: testClientID, ClientSecret: testClientSecret})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c, err := New(Config{APIURL: srv.URL, AuthURL: srv.URL, ClientID: testClientID, ClientSecret: testClientSecret,
		BatchWindow: DefaultBatchWindow, SparseIncluded: sparse})
	if err != nil {
		t.Fatal(err)
	}
	seedSimulator(t, c)
	fc := newFakeClock()
	joined := make(chan struct{}, 1000)
	c.batch.clock = fc
	c.batch.onJoin = func() { joined <- struct{}{} }

	thinned := false // some read asked for sparse fieldsets
	for typ, include := range providerIncludes {
		all, err := c.List(t.Context(), typ, Query{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < 2 {
			t.Fatalf("%s: %d objects; the test needs at least 2", typ, len(all))
		}
		ids := make([]string, len(all))
		for i := range all {
			ids[i] = all[i].ID
		}
		single := map[string]*jsonapi.Resource{}
		for _, id := range ids {
			r, err := c.getOne(t.Context(), typ, id, include)
			if err != nil {
				t.Fatal(err)
			}
			single[id] = r
		}

		sim.ResetRequests()
		// Each type's reads are a first burst: no parallelism learned from
		// the type before (it would send the first 8 of these 10 at once).
		c.batch.mu.Lock()
		c.batch.peak = 0
		c.batch.mu.Unlock()
		type got struct {
			r   *jsonapi.Resource
			err error
		}
		out := make(chan got, len(ids))
		for _, id := range ids {
			go func() {
				r, err := c.Get(t.Context(), typ, id, include...)
				out <- got{r, err}
			}()
		}
		batched := map[string]*jsonapi.Resource{}
		if c.batch.accepts(typ, ids[0]) {
			for range ids {
				select {
				case <-joined:
				case <-time.After(10 * time.Second): // a guard against a hang
					t.Fatalf("%s: callers did not join", typ)
				}
			}
			fc.Advance(DefaultBatchWindow)
		}
		for range ids {
			g := <-out
			if g.err != nil {
				t.Fatalf("%s: %v", typ, g.err)
			}
			batched[g.r.ID] = g.r
		}
		lists, gets := 0, 0
		for _, r := range sim.Requests() {
			thinned = thinned || strings.Contains(r.Query, "fields[")
			if r.Path == "/api/"+typ {
				lists++
			} else {
				gets++
			}
		}
		want := (len(ids) + PageSize - 1) / PageSize
		if !c.batch.accepts(typ, ids[0]) {
			want = 0
		}
		if lists != want {
			t.Errorf("%s: %d objects read with %d list requests and %d GETs; want %d lists", typ, len(ids), lists, gets, want)
		}
		for _, id := range ids {
			if !reflect.DeepEqual(batched[id], single[id]) {
				t.Errorf("%s %s: the batched read differs from the GET:\nbatched %+v\nGET     %+v", typ, id, batched[id], single[id])
			}
		}
		// The included relationships carry data, so the test compares ids.
		for _, rel := range include {
			if !single[ids[0]].Rel(rel).HasData {
				t.Errorf("%s: relationship %s has no data", typ, rel)
			}
		}
		t.Logf("%s: %d objects, %d list requests", typ, len(ids), lists)
	}
	if sparse {
		if !thinned || c.sparseRefused.Load() {
			t.Fatal("no read asked for sparse fieldsets")
		}
	}
}
