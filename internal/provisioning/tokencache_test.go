package provisioning

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Clients sharing a cache directory behave as processes of one machine.

func sharedClient(f *fakeAPI, dir string, mod ...func(*Config)) *Client {
	f.t.Helper()
	return f.client(append([]func(*Config){func(c *Config) { c.SharedCacheDir = dir }}, mod...)...)
}

func tokenFile(t *testing.T, f *fakeAPI, dir string) string {
	t.Helper()
	return filepath.Join(dir, sharedName("token-", testClientID, f.srv.URL+"/oauth/token")+".json")
}

func TestSharedTokenOneFetchForManyProcesses(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, okRole)
	f.tokenWait = 50 * time.Millisecond // the others start while the first fetches
	dir := filepath.Join(t.TempDir(), "cache")
	var clients []*Client
	for range 8 {
		clients = append(clients, sharedClient(f, dir))
	}
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			if _, err := c.Get(t.Context(), "roles", "r1"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := f.tokenRequests.Load(); n != 1 {
		t.Fatalf("8 processes started at once made %d token requests, want 1", n)
	}
	shared := int64(0)
	for _, c := range clients {
		shared += c.auth.fromShared.Load()
	}
	if shared != 7 {
		t.Fatalf("%d clients read the token from the cache, want 7", shared)
	}
}

func TestSharedTokenFile(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, okRole)
	dir := filepath.Join(t.TempDir(), "cache")
	if _, err := sharedClient(f, dir).Get(t.Context(), "roles", "r1"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("directory mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	path := tokenFile(t, f, dir)
	fi, err = os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	b := mustRead(t, path)
	if !strings.Contains(string(b), f.issuedTokens()[0]) {
		t.Fatalf("the file does not hold the token: %s", b)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		for _, secret := range []string{testClientID, testClientSecret, "127.0.0.1"} {
			if strings.Contains(e.Name(), secret) {
				t.Errorf("file name %s contains %q", e.Name(), secret)
			}
		}
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
	for _, secret := range []string{testClientSecret, testClientID} {
		if strings.Contains(string(b), secret) {
			t.Fatalf("the token file contains %q", secret)
		}
	}
}

// A token with less than the margin left, a corrupt file, a file others can
// read, and a token written with another secret are not used.
func TestSharedTokenNotUsed(t *testing.T) {
	t.Parallel()
	t.Run("about to expire", func(t *testing.T) {
		t.Parallel()
		f := newFakeAPI(t, okRole)
		f.expiresIn = int((tokenCacheMargin - time.Minute).Seconds())
		dir := t.TempDir()
		for range 2 {
			if _, err := sharedClient(f, dir).Get(t.Context(), "roles", "r1"); err != nil {
				t.Fatal(err)
			}
		}
		if n := f.tokenRequests.Load(); n != 2 {
			t.Fatalf("token requests %d, want 2: a token expiring within the margin is not shared", n)
		}
	})
	for name, spoil := range map[string]func(path string) error{
		"corrupt":         func(p string) error { return os.WriteFile(p, []byte("{not json"), 0o600) },
		"empty":           func(p string) error { return os.WriteFile(p, nil, 0o600) },
		"readable by all": func(p string) error { return os.Chmod(p, 0o644) },
		"another version": func(p string) error {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(p, []byte(strings.Replace(string(b), `"version":1`, `"version":2`, 1)), 0o600)
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFakeAPI(t, okRole)
			dir := t.TempDir()
			if _, err := sharedClient(f, dir).Get(t.Context(), "roles", "r1"); err != nil {
				t.Fatal(err)
			}
			if err := spoil(tokenFile(t, f, dir)); err != nil {
				t.Fatal(err)
			}
			if _, err := sharedClient(f, dir).Get(t.Context(), "roles", "r1"); err != nil {
				t.Fatal(err)
			}
			if n := f.tokenRequests.Load(); n != 2 {
				t.Fatalf("token requests %d, want 2", n)
			}
			// Replaced: a third process uses the second's token.
			if _, err := sharedClient(f, dir).Get(t.Context(), "roles", "r1"); err != nil {
				t.Fatal(err)
			}
			if n := f.tokenRequests.Load(); n != 2 {
				t.Fatalf("token requests %d after the file was rewritten, want 2", n)
			}
		})
	}
	t.Run("another secret", func(t *testing.T) {
		t.Parallel()
		f := newFakeAPI(t, okRole)
		dir := t.TempDir()
		if _, err := sharedClient(f, dir).Get(t.Context(), "roles", "r1"); err != nil {
			t.Fatal(err)
		}
		wrong := sharedClient(f, dir, func(c *Config) { c.ClientSecret = "wrong"; c.MaxRetries = -1 })
		_, err := wrong.Get(t.Context(), "roles", "r1")
		var te *TokenError
		if !errors.As(err, &te) || te.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a process with a wrong secret got %v; want the token endpoint's 401, not the cached token", err)
		}
	})
}

// A 401 to a cached token drops it from the file; a new one is fetched once
// and the others take it from there.
func TestSharedToken401DropsIt(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, okRole)
	dir := t.TempDir()
	a := sharedClient(f, dir)
	if _, err := a.Get(t.Context(), "roles", "r1"); err != nil {
		t.Fatal(err)
	}
	f.revokeAll()
	b := sharedClient(f, dir)
	if _, err := b.Get(t.Context(), "roles", "r1"); err != nil { // cached token, 401, new token
		t.Fatal(err)
	}
	if n := f.tokenRequests.Load(); n != 2 {
		t.Fatalf("token requests %d, want 2", n)
	}
	issued := f.issuedTokens()
	if b := mustRead(t, tokenFile(t, f, dir)); strings.Contains(string(b), issued[0]) || !strings.Contains(string(b), issued[1]) {
		t.Fatalf("the file still holds the rejected token, or not the new one: %s", b)
	}
	// a's token is refused too: it takes b's from the file, no fetch.
	if _, err := a.Get(t.Context(), "roles", "r1"); err != nil {
		t.Fatal(err)
	}
	if n := f.tokenRequests.Load(); n != 2 {
		t.Fatalf("token requests %d after the second 401, want 2 (the new token is shared)", n)
	}
	// A rejected token is never taken from the file again by the process
	// that saw it refused, even when the file still holds it.
	f.revokeAll()
	c := sharedClient(f, dir)
	c.auth.invalidate(issued[1])
	if _, err := c.Get(t.Context(), "roles", "r1"); err != nil {
		t.Fatal(err)
	}
	if n := f.tokenRequests.Load(); n != 3 {
		t.Fatalf("token requests %d, want 3", n)
	}
}

// An unusable cache directory: the client fetches its own token, as alone.
func TestSharedTokenUnusableDirectory(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, okRole)
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c := sharedClient(f, filepath.Join(file, "cache"))
	for range 3 {
		if _, err := c.Get(t.Context(), "roles", "r1"); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.tokenRequests.Load(); n != 1 {
		t.Fatalf("token requests %d, want 1", n)
	}
	if c.auth.cacheErr == nil || c.limiter.shared.err == nil {
		t.Fatal("no error recorded for the unusable directory")
	}
}
