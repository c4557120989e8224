package provisioning

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The token endpoint's errors come in two shapes: the one the live auth
// server sends (JSON:API-like errors[], the OAuth code as title, a numeric
// status; source: commercelayer-js-auth's authenticate.spec.ts) and RFC
// 6749's {"error": ...}. Both give the code and description, neither leaks
// the rest of the body.
func TestTokenErrorShapes(t *testing.T) {
	t.Parallel()
	const liveDetail = "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."
	tests := []struct {
		name, body  string
		status      int
		code, descr string
	}{
		{"auth server shape", `{"errors":[{"title":"invalid_client","code":"UNAUTHORIZED","status":401,"detail":"` + liveDetail + `","echo":"%s"}]}`,
			http.StatusUnauthorized, "invalid_client", liveDetail},
		{"RFC 6749 shape", `{"error":"invalid_client","error_description":"Client authentication failed","echo":"%s"}`,
			http.StatusUnauthorized, "invalid_client", "Client authentication failed"},
		{"auth server shape, no title", `{"errors":[{"code":"BAD_REQUEST","status":400,"detail":"bad","echo":"%s"}]}`,
			http.StatusBadRequest, "BAD_REQUEST", "bad"},
		{"neither", `<html>%s</html>`, http.StatusUnauthorized, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeAPI(t, okRole)
			f.tokenHandler = func(w http.ResponseWriter, r *http.Request) {
				_ = r.ParseForm()
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				fmt.Fprintf(w, tt.body, r.PostForm.Get("client_secret"))
			}
			_, err := f.client().Get(t.Context(), "roles", "r1")
			var te *TokenError
			if !errors.As(err, &te) {
				t.Fatalf("err = %#v, want a TokenError", err)
			}
			if te.StatusCode != tt.status || te.Code != tt.code || te.Description != tt.descr {
				t.Errorf("TokenError %+v, want status %d code %q description %q", te, tt.status, tt.code, tt.descr)
			}
			if tt.code != "" && !strings.Contains(err.Error(), tt.code) {
				t.Errorf("message %q lacks the code", err)
			}
			if strings.Contains(err.Error(), testClientSecret) {
				t.Fatalf("error leaks the secret: %v", err)
			}
			if n := f.tokenRequests.Load(); n != 1 {
				t.Errorf("token requests = %d, want 1 (a %d is not retried)", n, tt.status)
			}
		})
	}
}
