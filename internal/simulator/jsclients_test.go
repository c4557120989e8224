package simulator_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"os/exec"
	"strings"
	"testing"
)

// What the vendor's JavaScript clients (commercelayer-js-auth, the
// provisioning SDK) expect of the auth server and the API.

type jwk struct {
	Kty, N, E, Kid, Alg, Use string
	Ext                      bool
}

func (h *harness) jwks() []jwk {
	h.t.Helper()
	res := h.raw(http.MethodGet, "/.well-known/jwks.json", "", "", nil).must(h.t, 200)
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		h.t.Errorf("Content-Type %q", ct)
	}
	var set struct{ Keys []jwk }
	if err := json.Unmarshal(res.body, &set); err != nil || len(set.Keys) == 0 {
		h.t.Fatalf("key set %s: %v", res.body, err)
	}
	return set.Keys
}

// tokenKid is the kid of a JWT's header.
func tokenKid(t *testing.T, token string) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var header struct{ Kid string }
	if err := json.Unmarshal(raw, &header); err != nil || header.Kid == "" {
		t.Fatalf("header %s: %v", raw, err)
	}
	return header.Kid
}

// verifyAsJSAuth checks a token with a JWK the way js-auth's jwtVerify does:
// the key whose kid is the token's, RSASSA-PKCS1-v1_5 with SHA-512 over
// header.payload.
func verifyAsJSAuth(keys []jwk, token string) (bool, string) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false, "not a JWT"
	}
	raw, _ := base64.RawURLEncoding.DecodeString(parts[0])
	var header struct{ Kid string }
	_ = json.Unmarshal(raw, &header)
	for _, k := range keys {
		if k.Kid != header.Kid {
			continue
		}
		if k.Kty != "RSA" || k.Alg != "RS512" || k.Use != "sig" {
			return false, "key " + k.Kid + " is not an RS512 signing key"
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
		if err1 != nil || err2 != nil || err3 != nil {
			return false, "bad base64url"
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		sum := sha512.Sum512([]byte(parts[0] + "." + parts[1]))
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA512, sum[:], sig); err != nil {
			return false, "invalid signature"
		}
		return true, ""
	}
	return false, `invalid token "kid"`
}

func TestJWKSVerifiesTokens(t *testing.T) {
	h := newHarness(t)
	keys := h.jwks()
	kid := tokenKid(t, h.token)
	var key *jwk
	for i := range keys {
		if keys[i].Kid == kid {
			key = &keys[i]
		}
	}
	if key == nil {
		t.Fatalf("no key with the token's kid %s in %+v", kid, keys)
	}
	if key.Kty != "RSA" || key.Alg != "RS512" || key.Use != "sig" || key.E != "AQAB" || !key.Ext {
		t.Errorf("key %+v, want the shape of auth.commercelayer.io's: RSA, RS512, sig, AQAB, ext", *key)
	}
	if ok, why := verifyAsJSAuth(keys, h.token); !ok {
		t.Errorf("the access token does not verify: %s", why)
	}
	// Every token, not only the first.
	if ok, why := verifyAsJSAuth(keys, h.fetchToken()); !ok {
		t.Errorf("a second token does not verify: %s", why)
	}
	// A changed payload does not verify, as jwtVerify's "Invalid signature".
	parts := strings.Split(h.token, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"test":false`, `"test":true`, 1))) + "." + parts[2]
	if forged == h.token {
		t.Fatal("the forgery changed nothing")
	}
	if ok, _ := verifyAsJSAuth(keys, forged); ok {
		t.Error("a token with a changed payload verifies")
	}
	h.raw(http.MethodPost, "/.well-known/jwks.json", "", "", nil).must(t, 405)
}

// The same check in JavaScript with WebCrypto, as jwtVerify runs it
// (importKey "jwk" as RSASSA-PKCS1-v1_5 / SHA-512, then verify), when Node.js
// is installed: WebCrypto is stricter about a JWK than Go (alg must match the
// hash, key_ops and use must allow verify).
func TestJWKSVerifiesTokensInWebCrypto(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found: the WebCrypto check of the key set needs Node.js")
	}
	h := newHarness(t)
	// The key set as served, not as Go decoded it.
	set := h.raw(http.MethodGet, "/.well-known/jwks.json", "", "", nil).must(t, 200).body
	const script = `
const { set, token } = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const keys = set.keys;
const [h, p, s] = token.split('.');
const kid = JSON.parse(Buffer.from(h, 'base64url').toString()).kid;
const jwk = keys.find((k) => k.kid === kid);
if (!jwk) { console.log('no key for kid ' + kid); process.exit(0) }
const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' };
crypto.subtle.importKey('jwk', jwk, alg, true, ['verify'])
  .then((key) => crypto.subtle.verify(alg, key, Buffer.from(s, 'base64url'), new TextEncoder().encode(h + '.' + p)))
  .then((ok) => console.log(ok ? 'valid' : 'invalid signature'), (e) => console.log('error: ' + e.message));
`
	run := func(token string) string {
		in, _ := json.Marshal(map[string]any{"set": json.RawMessage(set), "token": token})
		cmd := exec.Command(node, "-e", script)
		cmd.Stdin = strings.NewReader(string(in))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("node: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := run(h.token); got != "valid" {
		t.Errorf("WebCrypto: %s", got)
	}
	parts := strings.Split(h.token, ".")
	other := strings.Split(h.fetchToken(), ".")
	if got := run(parts[0] + "." + other[1] + "." + parts[2]); got != "invalid signature" {
		t.Errorf("WebCrypto, another token's payload with this signature: %s", got)
	}
}

// POST /oauth/revoke answers {} and the token is refused afterwards, as
// js-auth's live test revoke.spec.ts shows.
func TestRevoke(t *testing.T) {
	h := newHarness(t)
	other := h.fetchToken()
	get := func(token string) *result {
		return h.raw(http.MethodGet, "/api/user", "", "", http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/vnd.api+json"}})
	}
	revoke := func(ct, body string, header http.Header) *result {
		return h.raw(http.MethodPost, "/oauth/revoke", ct, body, header)
	}
	jsonBody := func(id, secret, token string) string {
		b, _ := json.Marshal(map[string]string{"client_id": id, "client_secret": secret, "token": token})
		return string(b)
	}

	// Refused: no client_id (the live test's case), a wrong secret. The
	// token stays good.
	const forbidden = `{"errors":[{"code":"FORBIDDEN","detail":"You are not authorized to revoke this token","status":403,"title":"unauthorized_client"}]}`
	for _, body := range []string{
		`{"client_secret":"` + clientSecret + `","token":"1234"}`,
		`{"client_secret":"` + clientSecret + `","token":"` + h.token + `"}`,
		jsonBody(clientID, "wrong", h.token),
	} {
		if res := revoke("application/json", body, nil); res.status != 403 || string(res.body) != forbidden {
			t.Errorf("revoke %s: %d %s\nwant 403 %s", body, res.status, res.body, forbidden)
		}
	}
	get(h.token).must(t, 200)

	res := revoke("application/json", jsonBody(clientID, clientSecret, h.token), nil)
	if res.status != 200 || string(res.body) != "{}" {
		t.Fatalf("revoke: %d %s, want 200 {}", res.status, res.body)
	}
	e := get(h.token).must(t, 401).firstError(t)
	if e.Title != "Invalid token" || e.Detail != "The access token you provided is invalid." || e.Code != "INVALID_TOKEN" || e.Status != "401" {
		t.Errorf("the revoked token: %+v", e)
	}
	get(other).must(t, 200) // only that token

	// Again, or an unknown token: nothing to do, still {} (RFC 7009).
	for _, tok := range []string{h.token, "1234"} {
		if res := revoke("application/json", jsonBody(clientID, clientSecret, tok), nil); res.status != 200 || string(res.body) != "{}" {
			t.Errorf("revoke %q: %d %s", tok, res.status, res.body)
		}
	}
	// A form body with basic auth, as OAuth 2 clients send it.
	basic := http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(clientID+":"+clientSecret))}}
	revoke("application/x-www-form-urlencoded", "token="+other, basic).must(t, 200)
	get(other).must(t, 401)

	h.raw(http.MethodGet, "/oauth/revoke", "", "", nil).must(t, 405)
}
