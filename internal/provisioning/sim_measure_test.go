package provisioning

import (
	"fmt"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// TestMeasureWriteBurst: 100 creates on one endpoint, 10 at a time (as
// Terraform's parallelism), against the simulator enforcing the published
// limits. Opt-in (it takes the API's 10 s window): CLPROVISIONING_MEASURE=1.
func TestMeasureWriteBurst(t *testing.T) {
	if os.Getenv("CLPROVISIONING_MEASURE") == "" {
		t.Skip("set CLPROVISIONING_MEASURE=1 to measure (takes 10-30 s)")
	}
	sim := simulator.New(simulator.Options{ClientID: testClientID, ClientSecret: testClientSecret, RateLimits: true})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c, err := New(Config{APIURL: srv.URL, AuthURL: srv.URL, ClientID: testClientID, ClientSecret: testClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	org, err := c.Create(t.Context(), &jsonapi.Resource{Type: "organizations", Attributes: map[string]any{"name": "Busy"}})
	if err != nil {
		t.Fatal(err)
	}
	const n, parallel = 100, 10
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			r := &jsonapi.Resource{Type: "membership_profiles",
				Attributes:    map[string]any{"name": fmt.Sprintf("Team %d", i), "access_scope": "live_access"},
				Relationships: map[string]jsonapi.Relationship{"organization": jsonapi.ToOne("organizations", org.ID)}}
			if _, err := c.Create(t.Context(), r); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	d := time.Since(start)
	n429 := 0
	for _, r := range sim.Requests() {
		if r.Status == 429 {
			n429++
		}
	}
	t.Logf("%d creates on one endpoint, %d at a time: %s, %d answers 429", n, parallel, d.Round(10*time.Millisecond), n429)
	if n429 > 0 {
		t.Errorf("%d requests were refused with 429", n429)
	}
	// The API admits 50 at once and 50 more 10 s later: exact windows need
	// little more than 10 s (the token-bucket limiter took 23 s).
	if d > 13*time.Second {
		t.Errorf("took %s; the windows allow it in about 10 s", d)
	}
}

// TestMeasureBatchedRefresh: 100 memberships refreshed by 10 workers (as
// Terraform's refresh), with and without batched reads. Opt-in:
// CLPROVISIONING_MEASURE=1.
func TestMeasureBatchedRefresh(t *testing.T) {
	if os.Getenv("CLPROVISIONING_MEASURE") == "" {
		t.Skip("set CLPROVISIONING_MEASURE=1 to measure")
	}
	sim := simulator.New(simulator.Options{ClientID: testClientID, ClientSecret: testClientSecret})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	cfg := Config{APIURL: srv.URL, AuthURL: srv.URL, ClientID: testClientID, ClientSecret: testClientSecret, DisableRateLimit: true}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	org, err := c.Create(t.Context(), &jsonapi.Resource{Type: "organizations", Attributes: map[string]any{"name": "Big"}})
	if err != nil {
		t.Fatal(err)
	}
	roles, err := c.List(t.Context(), "roles", Query{Filters: map[string]string{"kind_eq": "admin"}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 100 {
		m, err := c.Create(t.Context(), &jsonapi.Resource{Type: "memberships", Attributes: map[string]any{"user_email": fmt.Sprintf("u%d@example.com", i)},
			Relationships: map[string]jsonapi.Relationship{"organization": jsonapi.ToOne("organizations", org.ID), "role": jsonapi.ToOne("roles", roles[0].ID)}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	for _, window := range []time.Duration{0, DefaultBatchWindow} {
		cfg.BatchWindow = window
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		sim.ResetRequests()
		work := make(chan string)
		var wg sync.WaitGroup
		start := time.Now()
		for range 10 {
			wg.Go(func() {
				for id := range work {
					if _, err := c.Get(t.Context(), "memberships", id, "organization", "role", "membership_profile"); err != nil {
						t.Error(err)
					}
				}
			})
		}
		for _, id := range ids {
			work <- id
		}
		close(work)
		wg.Wait()
		t.Logf("batch window %s: 100 refreshes by 10 workers: %d requests in %s", window, len(sim.Requests()), time.Since(start).Round(time.Millisecond))
	}
}
