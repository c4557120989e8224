package simulator_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

func TestTokenEndpoint(t *testing.T) {
	h := newHarness(t, func(o *simulator.Options) { o.TokenTTL = 90 * time.Minute })
	basic := func(id, secret string) http.Header {
		return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))}}
	}
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name        string
		method, ct  string
		body        string
		header      http.Header
		status      int
		wantErrCode string
	}{
		{"form", "POST", form, "grant_type=client_credentials&client_id=" + clientID + "&client_secret=" + clientSecret, nil, 200, ""},
		{"JSON", "POST", "application/json", `{"grant_type":"client_credentials","client_id":"` + clientID + `","client_secret":"` + clientSecret + `"}`, nil, 200, ""},
		{"JSON:API media type as in the docs", "POST", "application/vnd.api+json", `{"grant_type":"client_credentials","client_id":"` + clientID + `","client_secret":"` + clientSecret + `"}`, nil, 200, ""},
		{"basic auth", "POST", form, "grant_type=client_credentials", basic(clientID, clientSecret), 200, ""},
		{"wrong secret", "POST", form, "grant_type=client_credentials&client_id=" + clientID + "&client_secret=nope", nil, 401, "invalid_client"},
		{"wrong basic auth", "POST", form, "grant_type=client_credentials", basic(clientID, "nope"), 401, "invalid_client"},
		{"no credentials", "POST", form, "grant_type=client_credentials", nil, 401, "invalid_client"},
		{"other grant", "POST", form, "grant_type=password&client_id=" + clientID + "&client_secret=" + clientSecret, nil, 400, "unsupported_grant_type"},
		{"no grant", "POST", form, "client_id=" + clientID, nil, 400, "invalid_request"},
		{"bad JSON", "POST", "application/json", `{`, nil, 400, "invalid_request"},
		{"GET", "GET", "", "", nil, 405, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.raw(tt.method, "/oauth/token", tt.ct, tt.body, tt.header)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
			}
			var body map[string]any
			if err := json.Unmarshal(res.body, &body); err != nil {
				t.Fatalf("%v: %s", err, res.body)
			}
			if tt.status != 200 {
				if body["error"] != tt.wantErrCode || body["error_description"] == "" {
					t.Errorf("body %v, want error %q with a description", body, tt.wantErrCode)
				}
				return
			}
			if body["token_type"] != "bearer" || body["access_token"] == "" || body["scope"] == "" ||
				body["expires_in"] != float64(5400) || body["created_at"] != float64(h.clock.Now().Unix()) {
				t.Errorf("token response %v", body)
			}
			if res.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", res.header.Get("Cache-Control"))
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	h := newHarness(t, func(o *simulator.Options) { o.TokenTTL = time.Minute })
	get := func(auth string) *result {
		hdr := http.Header{"Accept": {"application/vnd.api+json"}}
		if auth != "" {
			hdr.Set("Authorization", auth)
		}
		return h.raw(http.MethodGet, "/api/user", "", "", hdr)
	}
	get("Bearer "+h.token).must(t, 200)
	get("bearer "+h.token).must(t, 200)
	for _, auth := range []string{"", "Bearer", "Bearer nope", "Basic " + h.token} {
		res := get(auth)
		res.wantError(t, 401, "INVALID_TOKEN", "")
		if res.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%q: no WWW-Authenticate", auth)
		}
	}

	t.Run("expiry", func(t *testing.T) {
		h.clock.Advance(59 * time.Second)
		get("Bearer "+h.token).must(t, 200)
		h.clock.Advance(time.Second)
		if e := get("Bearer " + h.token).firstError(t); e.Status != "401" || e.Detail != "The access token you provided has expired" {
			t.Errorf("after the TTL: %+v", e)
		}
		h.token = h.fetchToken()
		get("Bearer "+h.token).must(t, 200)
	})
	t.Run("ExpireTokens", func(t *testing.T) {
		h.sim.ExpireTokens()
		get("Bearer "+h.token).wantError(t, 401, "INVALID_TOKEN", "")
		h.token = h.fetchToken()
		get("Bearer "+h.token).must(t, 200)
	})
}

func TestDefaultTokenTTL(t *testing.T) {
	h := newHarness(t)
	res := h.raw("POST", "/oauth/token", "application/json",
		`{"grant_type":"client_credentials","client_id":"`+clientID+`","client_secret":"`+clientSecret+`"}`, nil)
	var body struct {
		ExpiresIn int64 `json:"expires_in"`
	}
	if err := json.Unmarshal(res.body, &body); err != nil || body.ExpiresIn != int64(simulator.DefaultTokenTTL/time.Second) {
		t.Errorf("expires_in %d (%v), want %d", body.ExpiresIn, err, int64(simulator.DefaultTokenTTL/time.Second))
	}
}

func TestMediaTypes(t *testing.T) {
	h := newHarness(t)
	auth := "Bearer " + h.token
	h.raw("GET", "/api/user", "", "", http.Header{"Authorization": {auth}, "Accept": {"text/html"}}).wantError(t, 406, "NOT_ACCEPTABLE", "")
	h.raw("GET", "/api/user", "", "", http.Header{"Authorization": {auth}, "Accept": {"*/*"}}).must(t, 200)
	h.raw("POST", "/api/organizations", "application/json", `{"data":{"type":"organizations","attributes":{"name":"x"}}}`,
		http.Header{"Authorization": {auth}}).wantError(t, 415, "UNSUPPORTED_MEDIA_TYPE", "")
	h.raw("POST", "/api/organizations", "application/vnd.api+json", `{"data":`,
		http.Header{"Authorization": {auth}}).must(t, 400)
}
