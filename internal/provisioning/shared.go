package provisioning

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// The shared cache: what processes of one machine share through files, so
// that many pipelines behind one address behave as one client. The API's
// limits are per IP; each `terraform plan` or `apply` runs its own provider
// processes, each with its own limiter and token, so four applies at once
// each believed they had the whole budget (31 requests refused with 429
// where one apply of the same 200 writes had none) and forty plans at once
// asked for forty tokens from an endpoint that allows thirty a minute.
//
// Config.SharedCacheDir (a directory, made 0700) holds two kinds of file:
//
//	ratelimit-<hash of the API and auth base URLs>        the rate ledger (ledger.go)
//	token-<hash of the client id and the token URL>.json   the access token (tokencache.go)
//
// each beside a "<name>.lock" that serialises the processes using it (an
// advisory lock: flock on Unix, LockFileEx on Windows, through
// github.com/gofrs/flock). The ledger is keyed by the hosts only, not the
// client: the limits are per IP, so two pipelines with different
// credentials on one machine share one budget. No secret and no client id
// appears in a file name. Everything in these files expires by time, so a
// process that crashes leaves nothing that outlives a minute (the ledger)
// or the token's own expiry; an unreadable or corrupt file is ignored and
// rewritten. Any failure to use the cache (no home directory, a read-only
// disk, a lock held too long) degrades to what the process would do alone,
// once logged.
//
// SharedCacheDirFromEnv is how the provider decides (README, "Provider
// configuration"): CLPROVISIONING_SHARED_CACHE=auto|on|off and
// CLPROVISIONING_CACHE_DIR.

// Environment variables read by SharedCacheDirFromEnv.
const (
	// EnvSharedCache is "auto" (the default: on, except towards an API on a
	// loopback address), "on" or "off".
	EnvSharedCache = "CLPROVISIONING_SHARED_CACHE"
	// EnvCacheDir overrides the directory (default: the user's cache
	// directory, os.UserCacheDir, + "/clprovisioning").
	EnvCacheDir = "CLPROVISIONING_CACHE_DIR"
)

// SharedCacheDirFromEnv returns the directory to give Config.SharedCacheDir
// for an API URL ("" for the default API), from the environment: "" when the
// shared cache is off.
//
// "auto" leaves it off for an API on a loopback address: that is the
// simulator, whose instances come and go on reused ports, so a token cached
// from one would be refused by the next and a ledger would carry one test's
// requests into another. "on" turns it on for every API.
func SharedCacheDirFromEnv(apiURL string) (string, error) {
	mode := strings.ToLower(strings.TrimSpace(os.Getenv(EnvSharedCache)))
	switch mode {
	case "", "auto":
		if apiURL != "" {
			if u, err := url.Parse(strings.TrimSpace(apiURL)); err == nil && isLoopback(u.Hostname()) {
				return "", nil
			}
		}
	case "on", "true", "1":
	case "off", "false", "0":
		return "", nil
	default:
		return "", fmt.Errorf("%s=%q: want auto, on or off", EnvSharedCache, os.Getenv(EnvSharedCache))
	}
	if d := strings.TrimSpace(os.Getenv(EnvCacheDir)); d != "" {
		abs, err := filepath.Abs(d)
		if err != nil {
			return "", fmt.Errorf("%s: %w", EnvCacheDir, err)
		}
		return abs, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		if mode == "" || mode == "auto" {
			return "", nil // nowhere to share: each process alone, as before
		}
		return "", fmt.Errorf("%s=%s but the user has no cache directory (%v): set %s", EnvSharedCache, mode, err, EnvCacheDir)
	}
	return filepath.Join(base, "clprovisioning"), nil
}

// sharedName is a file name for the given parts: prefix + 32 hex digits of
// their SHA-256 (the parts never appear in it).
func sharedName(prefix string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return prefix + hex.EncodeToString(h.Sum(nil)[:16])
}

// ensureSharedDir makes the directory, user-only.
func ensureSharedDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		// Made by someone else, or before: tokens are stored here.
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("%s is readable by others and cannot be made private: %w", dir, err)
		}
	}
	return nil
}

// lockWait bounds the wait for a shared file's lock: the sections it guards
// take well under a millisecond, so a lock held longer belongs to a process
// that is stopped (or a disk that hangs), and the caller goes on without it.
const lockWait = 5 * time.Second

var errLockTimeout = errors.New("the lock was held by another process for too long")

// fileLock is the advisory lock beside a shared file. Its holder is one
// client (the limiter under its mutex, the token source under its
// semaphore); two fileLocks of one path exclude each other even within one
// process (each locks a descriptor of its own).
type fileLock struct {
	path string
	held *flock.Flock
}

func newFileLock(path string) *fileLock { return &fileLock{path: path} }

// lock takes the lock, waiting at most patience (and not past ctx). The wait is
// the kernel's (a blocking flock in a goroutine), not a loop of tries: with
// dozens of processes waiting, tries every millisecond would take the CPU
// from the one holding the lock. A wait given up leaves the goroutine to
// release the lock as soon as it gets it.
func (l *fileLock) lock(ctx context.Context, patience time.Duration) error {
	fl := flock.New(l.path, flock.SetPermissions(0o600))
	ok, err := fl.TryLock()
	if err != nil {
		return err
	}
	if !ok {
		if patience <= 0 {
			return errLockTimeout
		}
		got := make(chan error, 1)
		go func() { got <- fl.Lock() }()
		timer := time.NewTimer(patience)
		defer timer.Stop()
		select {
		case err := <-got:
			if err != nil {
				return err
			}
		case <-timer.C:
			go abandonLock(fl, got)
			return errLockTimeout
		case <-ctx.Done():
			go abandonLock(fl, got)
			return ctx.Err()
		}
	}
	l.held = fl
	return nil
}

func abandonLock(fl *flock.Flock, got <-chan error) {
	if <-got == nil {
		_ = fl.Unlock()
	}
}

func (l *fileLock) unlock() {
	if l.held != nil {
		_ = l.held.Unlock()
		l.held = nil
	}
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory (user-only) renamed over it: a reader sees the old content or
// the new, never a part.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o600) // CreateTemp makes it 0600 already; umask cannot widen it
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}
