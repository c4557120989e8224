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

// jwksPath is where the auth server publishes the public keys of its tokens.
const jwksPath = "/.well-known/jwks.json"

// jwks is the JSON Web Key Set of the token signing key, in the shape of
// auth.commercelayer.io's (source: commercelayer-js-auth's jwtVerify.ts and
// jwtVerify.spec.ts: {"keys":[{kty:"RSA", n, e:"AQAB", ext:true, kid,
// alg:"RS512", use:"sig"}]}). jwtVerify picks the key whose kid is the
// token's, imports it with WebCrypto as RSASSA-PKCS1-v1_5 with SHA-512 and
// checks the signature over header.payload. WebCrypto refuses a JWK whose
// alg does not match that hash, so alg must be RS512.
//
// js-auth fetches the set from the token's iss when iss starts with
// https://auth., and from https://auth.commercelayer.io otherwise. The
// simulator's tokens carry iss https://commercelayer.io (as the live
// Provisioning tokens do, see tokenIssuer), so a JavaScript client verifies
// them by fetching this set itself and passing the key as jwtVerify's jwk
// option.
func jwks() map[string]any {
	pub := signingKey().PublicKey
	enc := base64.RawURLEncoding
	return map[string]any{"keys": []map[string]any{{
		"kty": "RSA",
		"n":   enc.EncodeToString(pub.N.Bytes()),
		"e":   enc.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		"ext": true,
		"kid": keyID(),
		"alg": "RS512",
		"use": "sig",
	}}}
}

// handleJWKS serves GET /.well-known/jwks.json. Assumption: the real
// endpoint's headers (caching in particular) are not known; it answers
// application/json.
func handleJWKS(r *http.Request) *response {
	if r.Method != http.MethodGet {
		resp := authError(http.StatusMethodNotAllowed, "invalid_request", "The key set is read with GET only")
		resp.header.Set("Allow", http.MethodGet)
		return resp
	}
	return jsonResponse(http.StatusOK, "application/json; charset=utf-8", jwks())
}

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
	params, refused := authPost(r, body, "token")
	if refused != nil {
		return refused
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

// authPost reads the parameters of a POST to the auth server's endpoint
// (named in the refusal); refused is the answer to anything else.
func authPost(r *http.Request, body []byte, endpoint string) (params url.Values, refused *response) {
	if r.Method != http.MethodPost {
		resp := authError(http.StatusMethodNotAllowed, "invalid_request", "The "+endpoint+" endpoint accepts POST only")
		resp.header.Set("Allow", http.MethodPost)
		return nil, resp
	}
	params, problem := authParams(r, body)
	if problem != "" {
		return nil, authError(http.StatusBadRequest, "invalid_request", problem)
	}
	return params, nil
}

// authParams reads the parameters of a token or revoke request: its body,
// and client credentials sent with HTTP basic auth instead.
func authParams(r *http.Request, body []byte) (params url.Values, problem string) {
	params, problem = tokenParams(r.Header.Get("Content-Type"), body)
	if problem != "" {
		return nil, problem
	}
	if id, secret, ok := r.BasicAuth(); ok {
		params.Set("client_id", formUnescape(id))
		params.Set("client_secret", formUnescape(secret))
	}
	return params, ""
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

// revokePath is the endpoint that revokes an access token before it expires.
const revokePath = "/oauth/revoke"

// handleRevoke serves POST /oauth/revoke: the client's credentials and the
// token, in a JSON body (as js-auth's revoke sends them) or a form (RFC 7009).
//
// Sources: js-auth's live test revoke.spec.ts. A client that revokes one of
// its tokens gets 200 and exactly {}, and the token is refused afterwards
// with 401 "Invalid token" / "The access token you provided is invalid." /
// INVALID_TOKEN. A request without client_id (a secret and a made-up token)
// gets 403 {"errors":[{"title":"unauthorized_client","code":"FORBIDDEN",
// "status":403,"detail":"You are not authorized to revoke this token"}]}.
//
// Assumptions (no source shows them): wrong client credentials get the same
// 403 as missing ones (the wording is Doorkeeper's, whose revoke endpoint
// refuses any request whose client it cannot authenticate); a known client
// revoking a token it does not have (unknown, already revoked, or none
// given) gets 200 {} as RFC 7009 §2.2 says ("invalid tokens do not cause an
// error response"); an expired token can be revoked too.
func (s *Simulator) handleRevoke(r *http.Request, body []byte) *response {
	params, refused := authPost(r, body, "revoke")
	if refused != nil {
		return refused
	}
	if !s.validClient(params.Get("client_id"), params.Get("client_secret")) {
		return authError(http.StatusForbidden, "unauthorized_client", "You are not authorized to revoke this token")
	}
	s.authMu.Lock()
	delete(s.tokens, params.Get("token"))
	s.authMu.Unlock()
	resp := jsonResponse(http.StatusOK, "application/json; charset=utf-8", map[string]any{})
	resp.header.Set("Cache-Control", "no-store")
	return resp
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
		return errUnauthorized(detailTokenMissing)
	}
	s.authMu.Lock()
	exp, ok := s.tokens[token]
	expired := !s.now().Before(exp)
	s.authMu.Unlock()
	switch {
	case !ok:
		return errUnauthorized(detailTokenInvalid)
	case expired:
		return errUnauthorized(detailTokenExpired)
	}
	return nil
}

// The details of a 401 for a bad access token. detailTokenInvalid is the
// API's, full stop included (source: js-auth's live test revoke.spec.ts, a
// revoked token: {"title":"Invalid token","detail":"The access token you
// provided is invalid.","code":"INVALID_TOKEN","status":"401"}). Assumption:
// the other two, which no source shows, are worded in the same style.
const (
	detailTokenInvalid = "The access token you provided is invalid."
	detailTokenExpired = "The access token you provided has expired."
	detailTokenMissing = "The access token is missing: send Authorization: Bearer <token>."
)
