package simulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// A read costs the same whatever the size of the organization: the objects
// the simulator visits to answer it (an organization with its
// subscription_info totals, a membership with its organization and role
// included) do not grow with the number of memberships.
func TestReadCostIndependentOfOrganizationSize(t *testing.T) {
	cost := func(members int) map[string]int64 {
		h := newHarness(t)
		org := h.org("Big")
		me := h.do(http.MethodGet, "/api/organizations/"+org+"/memberships", nil).must(t, 200).many(t)[0].ID
		h.sim.AddMembers(org, members)
		out := map[string]int64{}
		for _, path := range []string{
			"/api/organizations/" + org,
			"/api/memberships/" + me + "?include=organization,role",
			"/api/roles/" + h.roleOf(org, "admin") + "?include=organization",
		} {
			before := h.sim.Scanned()
			res := h.do(http.MethodGet, path, nil).must(t, 200)
			out[path[:len("/api/xx")]] = h.sim.Scanned() - before
			if path[:len("/api/o")] == "/api/o" {
				totals := object(t, object(t, res.one(t).Attributes["subscription_info"])["totals"])
				if totals["memberships"] != jsonNumber(members+1) {
					t.Errorf("totals %v, want %d memberships", totals, members+1)
				}
			}
		}
		return out
	}
	small, large := cost(10), cost(2000)
	for path, n := range small {
		if large[path] != n {
			t.Errorf("GET %s...: %d objects visited with 10 members, %d with 2000", path, n, large[path])
		}
	}
}

// BenchmarkRead reads one membership with its organization and role included
// in organizations of growing size: ns/op should stay flat.
func BenchmarkRead(b *testing.B) {
	for _, members := range []int{100, 1000, 2000} {
		b.Run(fmt.Sprintf("members=%d", members), func(b *testing.B) {
			sim := simulator.New(simulator.Options{ClientID: clientID, ClientSecret: clientSecret})
			token := benchToken(b, sim)
			post := httptest.NewRequest(http.MethodPost, "/api/organizations", stringsReader(`{"data":{"type":"organizations","attributes":{"name":"Big"}}}`))
			post.Header.Set("Authorization", "Bearer "+token)
			post.Header.Set("Content-Type", jsonapi.MediaType)
			rec := httptest.NewRecorder()
			sim.ServeHTTP(rec, post)
			created, err := jsonapi.Decode(rec.Body.Bytes())
			if err != nil {
				b.Fatal(err)
			}
			org, _ := created.One()
			sim.AddMembers(org.ID, members)
			get := httptest.NewRequest(http.MethodGet, "/api/organizations/"+org.ID+"/memberships?page[size]=1", nil)
			get.Header.Set("Authorization", "Bearer "+token)
			rec = httptest.NewRecorder()
			sim.ServeHTTP(rec, get)
			list, _ := jsonapi.Decode(rec.Body.Bytes())
			ms, _ := list.Many()
			read := httptest.NewRequest(http.MethodGet, "/api/memberships/"+ms[0].ID+"?include=organization,role", nil)
			read.Header.Set("Authorization", "Bearer "+token)
			b.ResetTimer()
			for b.Loop() {
				rec := httptest.NewRecorder()
				sim.ServeHTTP(rec, read)
				if rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

func benchToken(b *testing.B, sim *simulator.Simulator) string {
	req := httptest.NewRequest(http.MethodPost, "/oauth/token",
		stringsReader("grant_type=client_credentials&client_id="+clientID+"&client_secret="+clientSecret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		b.Fatalf("token: %v %s", err, rec.Body)
	}
	return tok.AccessToken
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
