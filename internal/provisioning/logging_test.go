package provisioning

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// TestNoSecretsInLogsOrErrors drives token fetches, a 401 refresh, a 429
// retry, a response holding an API credential's client_secret, a 422 and a
// failed token request through a TRACE-level tflog logger, then greps the
// output and every error for the secrets.
func TestNoSecretsInLogsOrErrors(t *testing.T) {
	t.Parallel()
	const bodySecret = "credential-secret-in-a-response-body"
	var n429 atomic.Int64
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/api_credentials/c1":
			writeResource(w, http.StatusOK, jsonapi.Resource{Type: "api_credentials", ID: "c1",
				Attributes: map[string]any{"client_id": "cid", "client_secret": bodySecret}})
		case "/api/roles/limited":
			if n429.Add(1) == 1 {
				w.Header().Set("Retry-After", "0")
				writeErrors(w, http.StatusTooManyRequests, jsonapi.Error{Title: "Too many requests", Status: "429"})
				return
			}
			okRole(w, r)
		case "/api/roles/bad":
			writeErrors(w, http.StatusUnprocessableEntity, jsonapi.Error{Detail: "name - can't be blank", Code: "VALIDATION_ERROR",
				Source: &jsonapi.ErrorSource{Pointer: "/data/attributes/name"}})
		default:
			okRole(w, r)
		}
	})
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(t.Context(), &logs)
	c := f.client()
	var errs []error

	if _, err := c.Get(ctx, "api_credentials", "c1"); err != nil {
		t.Fatal(err)
	}
	f.revokeAll()
	if _, err := c.Get(ctx, "roles", "r1"); err != nil { // 401, refresh, retry
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, "roles", "limited"); err != nil { // 429 then ok
		t.Fatal(err)
	}
	_, err := c.Update(ctx, &jsonapi.Resource{Type: "roles", ID: "bad", Attributes: map[string]any{"client_secret": testClientSecret}})
	errs = append(errs, err)

	bad := f.client(func(c *Config) { c.ClientSecret = "wrong" + testClientSecret })
	_, err = bad.Get(ctx, "roles", "r1")
	errs = append(errs, err)
	static := f.client(func(c *Config) { c.ClientID, c.ClientSecret, c.AccessToken = "", "", "static-token-value" })
	_, err = static.Get(ctx, "roles", "r1")
	errs = append(errs, err)

	out := logs.String()
	secrets := append([]string{testClientSecret, bodySecret, "static-token-value", "Bearer"}, f.issuedTokens()...)
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("logs contain %q:\n%s", s, out)
		}
		for _, e := range errs {
			if e == nil {
				t.Fatal("expected an error")
			}
			if strings.Contains(e.Error(), s) || strings.Contains(fmt.Sprintf("%+v", e), s) {
				t.Errorf("error contains %q: %v", s, e)
			}
		}
	}

	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatal(err)
	}
	var debugReq, warn429 bool
	var limitedAttempts []string // "attempt:status" of each logged attempt
	for _, e := range entries {
		switch {
		case e["@message"] == "Provisioning API request" && e["@level"] == "debug":
			for _, k := range []string{"method", "path", "status", "duration_ms", "attempt"} {
				if _, ok := e[k]; !ok {
					t.Errorf("request log lacks %q: %v", k, e)
				}
			}
			if e["path"] == "/api/roles/limited" {
				limitedAttempts = append(limitedAttempts, fmt.Sprintf("%v:%v", e["attempt"], e["status"]))
			}
			debugReq = true
		case e["@level"] == "warn" && strings.Contains(fmt.Sprint(e["@message"]), "429"):
			if _, ok := e["wait_ms"]; !ok {
				t.Errorf("429 log lacks the wait: %v", e)
			}
			warn429 = true
		}
	}
	if got := strings.Join(limitedAttempts, " "); got != "1:429 2:200" {
		t.Errorf("attempts logged for the 429 call = %q, want one entry per attempt %q", got, "1:429 2:200")
	}
	if !debugReq || !warn429 {
		t.Errorf("missing logs (request debug %v, 429 warn %v):\n%s", debugReq, warn429, out)
	}
}
