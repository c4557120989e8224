package provisioning

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// Real processes: this test binary started again as children, each a
// client writing to one endpoint of a server (on loopback, in this process)
// that enforces a small sliding window and refuses with 429 above it.
// Retries are off in the children, so any 429 fails one.

const (
	envSharedChild = "CLPROVISIONING_TEST_SHARED_CHILD" // the server URL
	envSharedDir   = "CLPROVISIONING_TEST_SHARED_DIR"
	childWrites    = 8
	childWindowN   = 5
	childWindowPer = 400 * time.Millisecond
)

// TestSharedCacheChildProcess is a child's body; it does nothing in a normal
// run.
func TestSharedCacheChildProcess(t *testing.T) {
	url := os.Getenv(envSharedChild)
	if url == "" {
		t.Skip("the body of TestSharedCacheAcrossProcesses' children")
	}
	c, err := New(Config{APIURL: url, AuthURL: url, ClientID: testClientID, ClientSecret: testClientSecret,
		MaxRetries: -1, RequestTimeout: 5 * time.Second, SharedCacheDir: os.Getenv(envSharedDir)})
	if err != nil {
		t.Fatal(err)
	}
	specs := defaultLimitSpecs()
	specs.writeEndpoint = window{childWindowN, childWindowPer}
	specs.margin = 30 * time.Millisecond
	c.limiter.setSpecs(specs)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for i := range childWrites {
		wg.Go(func() {
			m := &jsonapi.Resource{Type: "memberships", Attributes: map[string]any{"user_email": fmt.Sprintf("p%d-%d@example.com", os.Getpid(), i)}}
			if _, err := c.Create(ctx, m); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestSharedCacheAcrossProcesses(t *testing.T) {
	if os.Getenv(envSharedChild) != "" {
		t.Skip("in a child")
	}
	if testing.Short() {
		t.Skip("starts processes")
	}
	t.Parallel()
	run := func(t *testing.T, shared bool) (n429, tokens int64) {
		var tooMany atomic.Int64
		f := newFakeAPI(t, windowLimit(childWindowN, childWindowPer, &tooMany, func(w http.ResponseWriter, _ *http.Request) {
			writeResource(w, http.StatusCreated, jsonapi.Resource{Type: "memberships", ID: strconv.FormatInt(time.Now().UnixNano(), 36)})
		}))
		dir := ""
		if shared {
			dir = filepath.Join(t.TempDir(), "cache")
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		var wg sync.WaitGroup
		for range 3 {
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestSharedCacheChildProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), envSharedChild+"="+f.srv.URL, envSharedDir+"="+dir)
			wg.Go(func() {
				out, err := cmd.CombinedOutput()
				if shared && err != nil {
					t.Errorf("child: %v\n%s", err, out)
				}
			})
		}
		wg.Wait()
		return tooMany.Load(), f.tokenRequests.Load()
	}
	t.Run("shared", func(t *testing.T) {
		n429, tokens := run(t, true)
		if n429 != 0 || tokens != 1 {
			t.Fatalf("3 processes sharing a cache: %d refused with 429, %d token requests; want 0 and 1", n429, tokens)
		}
	})
	t.Run("alone", func(t *testing.T) { // the check is not vacuous
		n429, tokens := run(t, false)
		if n429 == 0 || tokens != 3 {
			t.Fatalf("3 processes each alone: %d refused with 429, %d token requests; want some, and 3", n429, tokens)
		}
	})
}
