package simulator

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	mrand "math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// tokenScope is the scope a Provisioning token carries (source: the
// provisioning token decoded in commercelayer-js-auth's jwtDecode.spec.ts,
// scope "provisioning-api"; its live test authenticate.spec.ts checks that
// the scope contains "provisioning-api").
const tokenScope = "provisioning-api"

// tokenIssuer is the iss claim of Commerce Layer tokens (same sources).
const tokenIssuer = "https://commercelayer.io"

// signingKey signs the simulator's tokens. One key per process, made on
// first use: RSA key generation is slow enough to matter when every test
// starts a simulator of its own.
var signingKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("simulator: generating the token signing key: " + err.Error())
	}
	return k
})

// keyID is the kid header of the tokens: a hex SHA-256 of the public key, the
// shape of the kid in the decoded tokens of js-auth's tests.
var keyID = sync.OnceValue(func() string {
	pub := signingKey().PublicKey
	sum := sha256.Sum256(append(pub.N.Bytes(), big.NewInt(int64(pub.E)).Bytes()...))
	return hex.EncodeToString(sum[:])
})

// tokenClaims are the claims of a Provisioning access token (source:
// js-auth's authenticate.spec.ts, "Provisioning auth", run against the live
// server: application.kind "user", public false, a user.id, test false, the
// issuer, a scope containing provisioning-api; the decoded sample in
// jwtDecode.spec.ts adds application.id, exp, iat and rand).
func (s *Simulator) tokenClaims(now time.Time) map[string]any {
	return map[string]any{
		"user":        map[string]any{"id": s.userID},
		"application": map[string]any{"id": s.appID, "kind": "user", "public": false},
		"scope":       tokenScope,
		"exp":         now.Add(s.ttl).Unix(),
		"test":        false,
		"rand":        mrand.Float64(),
		"iat":         now.Unix(),
		"iss":         tokenIssuer,
	}
}

// signJWT encodes claims as a JWT signed with RS512 (the alg of the tokens
// decoded in js-auth's tests).
func signJWT(claims map[string]any) string {
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]any{"alg": "RS512", "typ": "JWT", "kid": keyID()})
	payload, _ := json.Marshal(claims)
	signed := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	sum := sha512.Sum512([]byte(signed))
	sig, err := rsa.SignPKCS1v15(nil, signingKey(), crypto.SHA512, sum[:])
	if err != nil {
		panic("simulator: signing a token: " + err.Error())
	}
	return signed + "." + enc.EncodeToString(sig)
}

// VerifyToken checks an access token's RS512 signature with the simulator's
// key and returns its claims (for tests of what a token carries).
func VerifyToken(token string) (map[string]any, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, false
	}
	enc := base64.RawURLEncoding
	sig, err := enc.DecodeString(parts[2])
	if err != nil {
		return nil, false
	}
	sum := sha512.Sum512([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&signingKey().PublicKey, crypto.SHA512, sum[:], sig) != nil {
		return nil, false
	}
	payload, err := enc.DecodeString(parts[1])
	if err != nil {
		return nil, false
	}
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return nil, false
	}
	return claims, true
}

// authError is an error of the token endpoint. auth.commercelayer.io answers
// with a JSON:API-like error document whose title is the OAuth 2 error code
// and whose status is a number, not the RFC 6749 {"error": ...} shape
// (source: js-auth's live test authenticate.spec.ts: bad client credentials
// get 401 {"errors":[{"title":"invalid_client","code":"UNAUTHORIZED",
// "status":401,"detail":"Client authentication failed due to unknown client,
// no client authentication included, or unsupported authentication
// method."}]}, an invalid assertion 400 with title "invalid_assertion" and
// code "BAD_REQUEST"). Assumption: the other errors (invalid_request,
// unsupported_grant_type, 405, 429, 5xx) take the same shape, with the code
// derived from the status as in those two.
func authError(status int, title, detail string) *response {
	resp := jsonResponse(status, "application/json; charset=utf-8", map[string]any{
		"errors": []map[string]any{{
			"title": title, "code": authErrorCode(status), "status": status, "detail": detail,
		}},
	})
	resp.header.Set("Cache-Control", "no-store")
	return resp
}

func authErrorCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "BAD_REQUEST"
	case http.StatusUnauthorized:
		return "UNAUTHORIZED"
	case http.StatusMethodNotAllowed:
		return "METHOD_NOT_ALLOWED"
	case http.StatusTooManyRequests:
		return "TOO_MANY_REQUESTS"
	}
	return strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_"))
}

// handleToken serves POST /oauth/token (client_credentials only). The
// credentials come in a JSON or form body, or with HTTP basic auth.
func (s *Simulator) handleToken(r *http.Request, body []byte) *response {
	if r.Method != http.MethodPost {
		resp := authError(http.StatusMethodNotAllowed, "invalid_request", "The token endpoint accepts POST only")
		resp.header.Set("Allow", http.MethodPost)
		return resp
	}
	params, problem := tokenParams(r.Header.Get("Content-Type"), body)
	if problem != "" {
		return authError(http.StatusBadRequest, "invalid_request", problem)
	}
	if id, secret, ok := r.BasicAuth(); ok {
		params.Set("client_id", formUnescape(id))
		params.Set("client_secret", formUnescape(secret))
	}
	switch gt := params.Get("grant_type"); gt {
	case "client_credentials":
	case "":
		return authError(http.StatusBadRequest, "invalid_request", "The request is missing a required parameter: grant_type")
	default:
		return authError(http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server")
	}
	if !s.validClient(params.Get("client_id"), params.Get("client_secret")) {
		return authError(http.StatusUnauthorized, "invalid_client",
			"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")
	}
	s.authMu.Lock()
	now := s.now()
	token := signJWT(s.tokenClaims(now))
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

// checkBearer validates the access token of an API request: one this
// simulator issued (its signature checks out) that has not expired.
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
