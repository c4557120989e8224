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
