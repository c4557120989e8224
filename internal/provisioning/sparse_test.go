package provisioning

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

func TestIncludedFields(t *testing.T) {
	t.Parallel()
	c := &Client{sparse: true}
	for _, tt := range []struct {
		typ     string
		include []string
		want    map[string]string
	}{
		{"memberships", []string{"organization", "role", "membership_profile"},
			map[string]string{"organizations": "name", "roles": "kind", "membership_profiles": "name"}},
		{"identity_providers", []string{"user"}, map[string]string{"users": "first_name"}},
		{"roles", []string{"organization", "roles"}, map[string]string{"organizations": "name"}}, // never the primary type
		{"memberships", []string{"organization", "role.organization"}, nil},                      // nested: none
		{"memberships", []string{"no_such_relationship"}, nil},
		{"organizations", nil, nil},
	} {
		if got := c.includedFields(tt.typ, tt.include); !maps.Equal(got, tt.want) {
			t.Errorf("includedFields(%s, %v) = %v, want %v", tt.typ, tt.include, got, tt.want)
		}
	}
	if got := (&Client{}).includedFields("memberships", []string{"organization"}); got != nil {
		t.Errorf("off: %v", got)
	}
	got := encodeQueryFields(map[string]string{"id_in": "a,b"}, nil, []string{"organization", "role"},
		map[string]string{"roles": "kind", "organizations": "name"}, 1)
	const want = "filter[q][id_in]=a,b&include=organization,role&fields[organizations]=name&fields[roles]=kind&page[number]=1&page[size]=25"
	if got != want {
		t.Fatalf("query = %s, want %s", got, want)
	}
}

// An API that refuses fields[...] with 400: the read is made again without
// them, and they are not sent again.
func TestSparseFieldsRefused(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var queries []string
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		if strings.Contains(r.URL.RawQuery, "fields") {
			writeErrors(w, http.StatusBadRequest, jsonapi.Error{Title: "fields[organizations] is not allowed", Code: "PARAM_NOT_ALLOWED",
				Source: &jsonapi.ErrorSource{Parameter: "fields[organizations]"}})
			return
		}
		writeResource(w, http.StatusOK, jsonapi.Resource{Type: "roles", ID: "r1",
			Relationships: map[string]jsonapi.Relationship{"organization": jsonapi.ToOne("organizations", "o1")}})
	})
	c := f.client(func(c *Config) { c.SparseIncluded = true })
	for range 2 {
		r, err := c.Get(t.Context(), "roles", "r1", "organization")
		if err != nil || r.Rel("organization").ID() != "o1" {
			t.Fatalf("Get: %v, %v", r, err)
		}
	}
	want := []string{"include=organization&fields[organizations]=name", "include=organization", "include=organization"}
	if !reflect.DeepEqual(queries, want) {
		t.Fatalf("queries %q, want %q", queries, want)
	}
}

// On the simulator, for every type and the provider's include: with sparse
// fieldsets the primary object is the same, field by field (relationship
// data included), and the answer is smaller.
func TestSparseReadsOnTheSimulator(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	size := map[string]int{} // "sparse|whole typ" -> bytes of the last answer
	sparseNow := false
	sim := simulator.New(simulator.Options{ClientID: testClientID, ClientSecret: testClientSecret,
		OnExchange: func(e simulator.Exchange) {
			if e.Method != http.MethodGet || strings.Count(e.Path, "/") != 3 {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			mode := "whole"
			if sparseNow {
				mode = "sparse"
			}
			size[mode+" "+strings.Split(e.Path, "/")[2]] = len(e.ResponseBody)
		}})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	cfg := Config{APIURL: srv.URL, AuthURL: srv.URL, ClientID: testClientID, ClientSecret: testClientSecret}
	whole, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SparseIncluded = true
	sparse, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	seedSimulator(t, whole)
	for typ, include := range providerIncludes {
		all, err := whole.List(t.Context(), typ, Query{})
		if err != nil || len(all) == 0 {
			t.Fatalf("%s: %d, %v", typ, len(all), err)
		}
		id := all[len(all)-1].ID
		a, err := whole.Get(t.Context(), typ, id, include...)
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		sparseNow = true
		mu.Unlock()
		b, err := sparse.Get(t.Context(), typ, id, include...)
		mu.Lock()
		sparseNow = false
		mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		// The primary objects are the same; the included ones are what
		// sparse fieldsets thin, so they are left out of the comparison.
		if !reflect.DeepEqual(withoutIncluded(*a), withoutIncluded(*b)) {
			t.Errorf("%s %s: the sparse read differs:\nsparse %+v\nwhole  %+v", typ, id, b, a)
		}
		// A List with include thins the same way and gives the same objects.
		la, err := whole.List(t.Context(), typ, Query{Include: include})
		if err != nil {
			t.Fatal(err)
		}
		lb, err := sparse.List(t.Context(), typ, Query{Include: include})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(withoutIncluded(la...), withoutIncluded(lb...)) {
			t.Errorf("%s: the sparse list differs", typ)
		}
		mu.Lock()
		w, s := size["whole "+typ], size["sparse "+typ]
		mu.Unlock()
		t.Logf("%-24s GET with include=%s: %5d bytes whole, %5d sparse", typ, strings.Join(include, ","), w, s)
		if len(include) > 0 && s >= w {
			t.Errorf("%s: the sparse answer (%d bytes) is not smaller than the whole one (%d)", typ, s, w)
		}
	}
	if sparse.sparseRefused.Load() {
		t.Fatal("the simulator refused sparse fieldsets")
	}
}

// withoutIncluded gives the resources without the included objects they carry.
func withoutIncluded(rs ...jsonapi.Resource) []jsonapi.Resource {
	out := make([]jsonapi.Resource, len(rs))
	for i, r := range rs {
		r.Included = nil
		out[i] = r
	}
	return out
}
