package provisioning

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/go-cleanhttp"
)

// At Terraform's parallelism the client keeps its connections: rounds of 50
// concurrent GETs open no more connections in all than one round needs at
// once. go-cleanhttp's pooled client, which keeps only GOMAXPROCS+1 idle
// connections per host, opens most of them again every round: the check is
// not vacuous.
func TestConcurrentCallsReuseConnections(t *testing.T) {
	t.Parallel()
	const concurrent, rounds = 50, 4
	run := func(t *testing.T, hc *http.Client) int64 {
		var opened atomic.Int64
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/oauth/token" {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"access_token":"tok","token_type":"bearer","expires_in":3600}`))
				return
			}
			okRole(w, r)
		}))
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				opened.Add(1)
			}
		}
		srv.Start()
		defer srv.Close()
		c, err := New(Config{APIURL: srv.URL, AuthURL: srv.URL, ClientID: "id", ClientSecret: "secret", HTTPClient: hc})
		if err != nil {
			t.Fatal(err)
		}
		for range rounds {
			var wg sync.WaitGroup
			for range concurrent {
				wg.Go(func() {
					if _, err := c.GetPath(t.Context(), "roles/r1"); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
		}
		return opened.Load()
	}

	// At most one connection per concurrent call (and the token request's),
	// plus the odd dial that raced a connection coming back to the pool.
	const most = concurrent + 5
	own := run(t, nil)
	t.Logf("own pool: %d connections for %d rounds of %d concurrent calls", own, rounds, concurrent)
	if own > most {
		t.Fatalf("own pool: %d connections opened, want <= %d", own, most)
	}
	cleanhttpPool := run(t, cleanhttp.DefaultPooledClient())
	t.Logf("go-cleanhttp's pooled client: %d connections", cleanhttpPool)
	if cleanhttpPool < own+20 {
		t.Fatalf("go-cleanhttp's pooled client opened only %d connections: the test does not tell pools apart", cleanhttpPool)
	}
}
