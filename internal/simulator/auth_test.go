package simulator_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
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
				// The auth server's shape: errors[] with the OAuth code as
				// title and a numeric status, not RFC 6749's {"error": ...}.
				if _, rfc := body["error"]; rfc {
					t.Errorf("body %v has the RFC 6749 error member", body)
				}
				var doc struct {
					Errors []struct {
						Title, Code, Detail string
						Status              any
					}
				}
				if err := json.Unmarshal(res.body, &doc); err != nil || len(doc.Errors) != 1 {
					t.Fatalf("body %s: %v", res.body, err)
				}
				e := doc.Errors[0]
				if e.Title != tt.wantErrCode || e.Detail == "" || e.Status != float64(tt.status) {
					t.Errorf("error %+v, want title %q, a detail and status %d", e, tt.wantErrCode, tt.status)
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

	t.Run("bad credentials, as the live auth server answers them", func(t *testing.T) {
		res := h.raw("POST", "/oauth/token", "application/json",
			`{"grant_type":"client_credentials","client_id":"wrong-client-id","client_secret":"x"}`, nil)
		const want = `{"errors":[{"code":"UNAUTHORIZED","detail":"Client authentication failed due to unknown client, ` +
			`no client authentication included, or unsupported authentication method.","status":401,"title":"invalid_client"}]}`
		if res.status != 401 || string(res.body) != want {
			t.Errorf("%d %s\nwant 401 %s", res.status, res.body, want)
		}
	})
}

// The token is a JWT signed with RS512 whose claims are a Provisioning
// token's: application kind user, a user id, a provisioning-api scope.
func TestTokenIsProvisioningJWT(t *testing.T) {
	h := newHarness(t)
	parts := strings.Split(h.token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWT", h.token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	var header map[string]any
	if err := json.Unmarshal(raw, &header); err != nil || header["alg"] != "RS512" || header["typ"] != "JWT" || header["kid"] == "" {
		t.Errorf("header %s (%v)", raw, err)
	}
	claims, ok := simulator.VerifyToken(h.token)
	if !ok {
		t.Fatal("the signature does not verify")
	}
	if _, ok := simulator.VerifyToken(parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString([]byte("forged"))); ok {
		t.Error("a forged signature verifies")
	}
	app, _ := claims["application"].(map[string]any)
	user, _ := claims["user"].(map[string]any)
	u, _ := h.sim.Object("users", "")
	if app["kind"] != "user" || app["public"] != false || app["id"] == "" || user["id"] != u.ID ||
		!strings.Contains(fmt.Sprint(claims["scope"]), "provisioning-api") || claims["iss"] != "https://commercelayer.io" || claims["test"] != false {
		t.Errorf("claims %v", claims)
	}
	iat, _ := claims["iat"].(float64)
	exp, _ := claims["exp"].(float64)
	if iat != float64(h.clock.Now().Unix()) || exp-iat != simulator.DefaultTokenTTL.Seconds() {
		t.Errorf("iat %v exp %v", iat, exp)
	}
	// versions' who is the token's application claim.
	org := h.org("Who")
	role := h.customRole(org, "R")
	vs := h.do(http.MethodGet, "/api/roles/"+role+"/versions", nil).must(t, 200).many(t)
	if who := object(t, vs[0].Attributes["who"]); !reflect.DeepEqual(who["application"], claims["application"]) {
		t.Errorf("who %v, want the token's application %v", who, claims["application"])
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
	// An unknown token: the API's words, full stop included (js-auth's
	// live test revoke.spec.ts).
	if e := get("Bearer nope").firstError(t); e.Title != "Invalid token" || e.Detail != "The access token you provided is invalid." {
		t.Errorf("unknown token: %+v", e)
	}

	t.Run("expiry", func(t *testing.T) {
		h.clock.Advance(59 * time.Second)
		get("Bearer "+h.token).must(t, 200)
		h.clock.Advance(time.Second)
		if e := get("Bearer " + h.token).firstError(t); e.Status != "401" || e.Detail != "The access token you provided has expired." {
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
