package provisioning

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/oauth2"
)

// tokenCache is the access token the processes of one machine share
// (shared.go): one file per client and auth server, token-<hash>.json, the
// hash of the client id and the token URL. It is user-only (0600 in a 0700
// directory) and replaced atomically (a new file renamed over it); the
// lock beside it makes one process fetch while the others wait and then
// read what it fetched: forty plans started at once ask for one token, not
// forty from an endpoint that allows thirty a minute.
//
// A token is taken from the file only when
//   - it was written by a holder of the same secret (the file carries a
//     SHA-256 of the client id, token URL and secret: a process given a
//     wrong or revoked secret fails as it would alone, it does not ride on
//     another's token), and
//   - it has tokenCacheMargin left before it expires,
//
// and never when this process saw the API refuse it: a 401 to a token drops
// it from the file (if the file still holds it) and a new one is fetched.
// A file that cannot be read or parsed, or (on Unix) is readable by others,
// is ignored and replaced by the next fetch.
type tokenCache struct {
	path     string
	lock     *fileLock
	verifier string
}

// tokenCacheMargin: a cached token is used only while it has this long left,
// so that it does not expire during the run that picks it up (a 401 would
// then cost a refresh).
const tokenCacheMargin = 5 * time.Minute

// cachedToken is the file's content.
type cachedToken struct {
	Version     int       `json:"version"`
	Verifier    string    `json:"verifier"`
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type,omitempty"`
	Expiry      time.Time `json:"expiry"`
}

func newTokenCache(dir, clientID, clientSecret, tokenURL string) (*tokenCache, error) {
	if err := ensureSharedDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, sharedName("token-", clientID, tokenURL)+".json")
	v := sha256.Sum256([]byte("clprovisioning token cache 1\x00" + clientID + "\x00" + tokenURL + "\x00" + clientSecret))
	return &tokenCache{path: path, lock: newFileLock(path + ".lock"), verifier: hex.EncodeToString(v[:])}, nil
}

// read returns the token in the file written with this secret, whatever its
// expiry; nil when there is none (or the file is not usable).
func (c *tokenCache) read() *cachedToken {
	f, err := os.Open(c.path)
	if err != nil {
		return nil
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > 64<<10 {
		return nil
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil // not written by this code: not trusted
	}
	var ct cachedToken
	if err := json.NewDecoder(f).Decode(&ct); err != nil {
		return nil
	}
	if ct.Version != 1 || ct.AccessToken == "" || ct.Expiry.IsZero() ||
		subtle.ConstantTimeCompare([]byte(ct.Verifier), []byte(c.verifier)) != 1 {
		return nil
	}
	return &ct
}

// load returns the cached token if it can be used at now, not being
// rejected (the token this process saw refused, if any).
func (c *tokenCache) load(now time.Time, rejected string) *oauth2.Token {
	ct := c.read()
	if ct == nil || ct.AccessToken == rejected || !now.Add(tokenCacheMargin).Before(ct.Expiry) {
		return nil
	}
	return &oauth2.Token{AccessToken: ct.AccessToken, TokenType: ct.TokenType, Expiry: ct.Expiry}
}

// store writes tok for the other processes. A token without expiry is not
// shared (nothing would say when to stop using it).
func (c *tokenCache) store(tok *oauth2.Token) error {
	if tok.Expiry.IsZero() {
		return nil
	}
	b, err := json.Marshal(cachedToken{Version: 1, Verifier: c.verifier, AccessToken: tok.AccessToken,
		TokenType: tok.TokenType, Expiry: tok.Expiry.UTC().Round(time.Second)})
	if err != nil {
		return err
	}
	return writeFileAtomic(c.path, b)
}

// drop removes the file if it holds the rejected token; the lock is held.
func (c *tokenCache) drop(rejected string) error {
	if rejected == "" {
		return nil
	}
	if ct := c.read(); ct != nil && ct.AccessToken == rejected {
		if err := os.Remove(c.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// fromCache takes the shared token when there is a usable one; ts.sem is
// held.
func (ts *tokenSource) fromCache(ctx context.Context) string {
	ts.mu.Lock()
	rejected := ts.rejected
	ts.mu.Unlock()
	tok := ts.cache.load(time.Now(), rejected)
	if tok == nil {
		return ""
	}
	ts.mu.Lock()
	ts.tok = tok
	ts.mu.Unlock()
	ts.fromShared.Add(1)
	tflog.Debug(ctx, "Provisioning API access token read from the shared cache", map[string]any{
		"expiry": tok.Expiry.Format(time.RFC3339),
	})
	return tok.AccessToken
}

// cacheFailed records a failure to use the shared token file, logged once.
func (ts *tokenSource) cacheFailed(ctx context.Context, what string, err error) {
	ts.mu.Lock()
	first := !ts.cacheLogged
	ts.cacheLogged = true
	ts.mu.Unlock()
	if first {
		tflog.Warn(ctx, "Provisioning API token cache shared by this machine's processes is not available; this process fetches its own token",
			map[string]any{"error": strings.TrimSpace(what + ": " + err.Error())})
	}
}
