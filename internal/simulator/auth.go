package simulator

import (
	"crypto/subtle"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// tokenScope is the scope a Provisioning token carries.
const tokenScope = "provisioning-api"

// oauthError is an RFC 6749 §5.2 error response, as auth.commercelayer.io
// sends them (not a JSON:API document).
func oauthError(status int, code, description string) *response {
	resp := jsonResponse(status, "application/json; charset=utf-8", map[string]string{
		"error": code, "error_description": description,
	})
	resp.header.Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		resp.header.Set("WWW-Authenticate", `Basic realm="Commerce Layer", error="`+code+`"`)
	}
	return resp
}

// handleToken serves POST /oauth/token (client_credentials only). The
// credentials come in a JSON or form body, or with HTTP basic auth.
func (s *Simulator) handleToken(r *http.Request, body []byte) *response {
	if r.Method != http.MethodPost {
		resp := oauthError(http.StatusMethodNotAllowed, "invalid_request", "The token endpoint accepts POST only")
		resp.header.Set("Allow", http.MethodPost)
		return resp
	}
	params, problem := tokenParams(r.Header.Get("Content-Type"), body)
	if problem != "" {
		return oauthError(http.StatusBadRequest, "invalid_request", problem)
	}
	if id, secret, ok := r.BasicAuth(); ok {
		params.Set("client_id", formUnescape(id))
		params.Set("client_secret", formUnescape(secret))
	}
	switch gt := params.Get("grant_type"); gt {
	case "client_credentials":
	case "":
		return oauthError(http.StatusBadRequest, "invalid_request", "The request is missing a required parameter: grant_type")
	default:
		return oauthError(http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server")
	}
	if !s.validClient(params.Get("client_id"), params.Get("client_secret")) {
		return oauthError(http.StatusUnauthorized, "invalid_client",
			"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")
	}
	token := randString(64)
	s.authMu.Lock()
	now := s.now()
	for t, exp := range s.tokens {
		if now.Sub(exp) > s.ttl { // long expired: "invalid" from now on
			delete(s.tokens, t)
		}
	}
	s.tokens[token] = now.Add(s.ttl)
	s.authMu.Unlock()
	resp := jsonResponse(http.StatusOK, "application/json; charset=utf-8", map[string]any{
		"access_token": token,
		"token_type":   "bearer",
		"expires_in":   int64(s.ttl / time.Second),
		"scope":        tokenScope,
		"created_at":   now.Unix(),
	})
	resp.header.Set("Cache-Control", "no-store")
	resp.header.Set("Pragma", "no-cache")
	return resp
}

// tokenParams reads a token request body: JSON (as the docs show) or a form
// (as OAuth 2 clients send). problem describes a body it cannot read.
func tokenParams(contentType string, body []byte) (params url.Values, problem string) {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "application/json" || strings.HasSuffix(mt, "+json") {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, "The request body is not a valid JSON object"
		}
		out := url.Values{}
		for k, v := range m {
			if s, ok := v.(string); ok {
				out.Set(k, s)
			}
		}
		return out, ""
	}
	out, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, "The request body is not a valid form"
	}
	return out, ""
}

// formUnescape undoes the form encoding RFC 6749 §2.3.1 applies to basic
// auth credentials (Go's oauth2 package does it).
func formUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func (s *Simulator) validClient(id, secret string) bool {
	if s.opts.ClientID == "" || s.opts.ClientSecret == "" {
		return false
	}
	okID := subtle.ConstantTimeCompare([]byte(id), []byte(s.opts.ClientID)) == 1
	okSecret := subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret)) == 1
	return okID && okSecret
}

// checkBearer validates the access token of an API request.
func (s *Simulator) checkBearer(r *http.Request) *apiError {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return errUnauthorized("The access token is missing: send Authorization: Bearer <token>")
	}
	s.authMu.Lock()
	exp, ok := s.tokens[token]
	expired := !s.now().Before(exp)
	s.authMu.Unlock()
	switch {
	case !ok:
		return errUnauthorized("The access token you provided is invalid")
	case expired:
		return errUnauthorized("The access token you provided has expired")
	}
	return nil
}
