package provisioning

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// callFor runs one client call of the given method against "roles".
func callFor(c *Client, ctx context.Context, method string) error {
	switch method {
	case http.MethodGet:
		_, err := c.Get(ctx, "roles", "r1")
		return err
	case http.MethodPatch:
		_, err := c.Update(ctx, &jsonapi.Resource{Type: "roles", ID: "r1", Attributes: map[string]any{"name": "x"}})
		return err
	case http.MethodDelete:
		return c.Delete(ctx, "roles", "r1")
	case http.MethodPost:
		_, err := c.Create(ctx, &jsonapi.Resource{Type: "roles", Attributes: map[string]any{"name": "x"}})
		return err
	}
	panic(method)
}

func success(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPost:
		writeResource(w, http.StatusCreated, jsonapi.Resource{Type: "roles", ID: "r1"})
	default:
		okRole(w, r)
	}
}

// failFirst answers the first n API requests with fail, then succeeds.
func failFirst(n int64, fail func(w http.ResponseWriter, r *http.Request)) (*atomic.Int64, http.HandlerFunc) {
	var count atomic.Int64
	return &count, func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) <= n {
			fail(w, r)
			return
		}
		success(w, r)
	}
}

func TestRetry429HonoursRetryAfter(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodGet, http.MethodPatch, http.MethodDelete, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			count, h := failFirst(1, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "1")
				writeErrors(w, http.StatusTooManyRequests, jsonapi.Error{Title: "Too many requests", Status: "429"})
			})
			f := newFakeAPI(t, h)
			c := f.client()
			start := time.Now()
			if err := callFor(c, t.Context(), method); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d < time.Second || d > 3*time.Second {
				t.Fatalf("waited %s, want about the 1 s of Retry-After", d)
			}
			if count.Load() != 2 {
				t.Fatalf("attempts = %d, want 2", count.Load())
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRetryAfterHTTPDateIsHonoured(t *testing.T) {
	t.Parallel()
	count, h := failFirst(1, func(w http.ResponseWriter, r *http.Request) {
		// An HTTP date has 1 s resolution: ask for "2 s from now", which
		// is between 1 and 2 s away.
		w.Header().Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusTooManyRequests)
	})
	f := newFakeAPI(t, h)
	start := time.Now()
	if err := callFor(f.client(), t.Context(), http.MethodGet); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Fatalf("waited %s, want >= ~1 s", d)
	}
	if count.Load() != 2 {
		t.Fatalf("attempts = %d", count.Load())
	}
}

func TestRetryIdempotentOn5xxAndDroppedConnections(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodGet, http.MethodPatch, http.MethodDelete} {
		t.Run(method+" 5xx", func(t *testing.T) {
			t.Parallel()
			statuses := []int{500, 502, 503, 504}
			var seen atomic.Int64
			h2 := func(w http.ResponseWriter, r *http.Request) {
				if i := seen.Add(1); i <= 4 {
					writeErrors(w, statuses[i-1], jsonapi.Error{Title: "oops", Status: "5xx"})
					return
				}
				success(w, r)
			}
			f := newFakeAPI(t, h2)
			if err := callFor(f.client(), t.Context(), method); err != nil {
				t.Fatal(err)
			}
			if seen.Load() != 5 {
				t.Fatalf("attempts = %d, want 5", seen.Load())
			}
		})
		t.Run(method+" dropped connection", func(t *testing.T) {
			t.Parallel()
			var drops atomic.Int64
			f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				if drops.Add(1) <= 2 {
					dropConnection(t, w)
					return
				}
				success(w, r)
			})
			if err := callFor(f.client(), t.Context(), method); err != nil {
				t.Fatal(err)
			}
			if drops.Load() < 3 {
				t.Fatalf("attempts = %d, want >= 3", drops.Load())
			}
		})
	}
}

func TestRetryLimit(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeErrors(w, http.StatusServiceUnavailable, jsonapi.Error{Title: "Service Unavailable", Status: "503"})
	})
	c := f.client(func(c *Config) { c.MaxRetries = 3 })
	err := callFor(c, t.Context(), http.MethodGet)
	ae, ok := AsAPIError(err)
	if !ok || ae.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "gave up after 4 attempts") {
		t.Fatalf("err = %v", err)
	}
	if n.Load() != 4 {
		t.Fatalf("attempts = %d, want 4", n.Load())
	}

	n.Store(0)
	c = f.client(func(c *Config) { c.MaxRetries = -1 })
	_ = callFor(c, t.Context(), http.MethodGet)
	if n.Load() != 1 {
		t.Fatalf("MaxRetries -1: attempts = %d, want 1", n.Load())
	}
}

func TestRetryBudget(t *testing.T) {
	t.Parallel()
	t.Run("backoff", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int64
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.WriteHeader(http.StatusBadGateway)
		})
		c := f.client(func(c *Config) {
			c.MaxRetries = 100
			c.RetryWaitMin, c.RetryWaitMax = 40*time.Millisecond, 40*time.Millisecond
			c.RetryBudget = 150 * time.Millisecond
		})
		start := time.Now()
		err := callFor(c, t.Context(), http.MethodGet)
		d := time.Since(start)
		if err == nil || !strings.Contains(err.Error(), "retry budget") {
			t.Fatalf("err = %v", err)
		}
		if d > 400*time.Millisecond {
			t.Fatalf("took %s, budget 150ms", d)
		}
		if got := n.Load(); got < 2 || got > 8 {
			t.Fatalf("attempts = %d", got)
		}
	})
	t.Run("Retry-After beyond budget", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int64
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		c := f.client(func(c *Config) { c.RetryBudget = time.Second })
		start := time.Now()
		err := callFor(c, t.Context(), http.MethodPost)
		if ae, ok := AsAPIError(err); !ok || ae.StatusCode != http.StatusTooManyRequests || !strings.Contains(err.Error(), "retry budget") {
			t.Fatalf("err = %v", err)
		}
		if d := time.Since(start); d > 500*time.Millisecond || n.Load() != 1 {
			t.Fatalf("took %s and %d attempts; want an immediate give-up", d, n.Load())
		}
	})
	t.Run("Retry-After of an hour", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int64
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.Header().Set("Retry-After", "3600")
			writeErrors(w, http.StatusTooManyRequests, jsonapi.Error{Title: "Too many requests", Status: "429"})
		})
		err := callFor(f.client(), t.Context(), http.MethodGet) // the default budget: 5 minutes
		const want = "GET /api/roles/r1: 429 Too Many Requests: Too many requests " +
			"(gave up: the API asked to wait 3600 s, more than the 300 s retry budget)"
		if err == nil || err.Error() != want || n.Load() != 1 {
			t.Fatalf("after %d attempts: err =\n%v\nwant\n%s", n.Load(), err, want)
		}
	})
	t.Run("context cancelled while waiting", func(t *testing.T) {
		t.Parallel()
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := callFor(f.client(), ctx, http.MethodGet)
		if err == nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("took %s", d)
		}
	})
}

func TestPOSTNotRetriedWhenOutcomeUnknown(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		handler func(t *testing.T) http.HandlerFunc
		timeout time.Duration
	}{
		"5xx": {handler: func(t *testing.T) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				writeErrors(w, http.StatusInternalServerError, jsonapi.Error{Title: "Internal Server Error", Status: "500"})
			}
		}},
		"503": {handler: func(t *testing.T) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }
		}},
		"501": {handler: func(t *testing.T) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotImplemented) }
		}},
		"unreadable 201": {handler: func(t *testing.T) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", jsonapi.MediaType)
				w.WriteHeader(http.StatusCreated)
				_, _ = io.WriteString(w, `{"data": {"type": "roles", "id": `)
			}
		}},
		"empty 201": {handler: func(t *testing.T) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) }
		}},
		"dropped connection": {handler: func(t *testing.T) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) { dropConnection(t, w) }
		}},
		// The server reads the POST and acts on it (n counts it), then
		// answers too late: the client must not send it again.
		"timeout after the server acted": {timeout: 100 * time.Millisecond, handler: func(t *testing.T) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.ReadAll(r.Body) // body read: r.Context ends when the client hangs up
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
					t.Error("the client did not give up at its request timeout")
				}
			}
		}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int64
			h := tt.handler(t)
			f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				h(w, r)
			})
			c := f.client(func(c *Config) {
				if tt.timeout > 0 {
					c.RequestTimeout = tt.timeout
				}
			})
			before := time.Now()
			err := callFor(c, t.Context(), http.MethodPost)
			if !IsUnknownOutcome(err) {
				t.Fatalf("err = %v, want an UnknownOutcomeError", err)
			}
			var u *UnknownOutcomeError
			if !errors.As(err, &u) || u.SentAt.Before(before) || u.SentAt.After(time.Now()) {
				t.Fatalf("SentAt = %v, want between %v and now", u.SentAt, before)
			}
			// A 5xx is inside, but AsAPIError does not report it, so that a
			// caller showing the API's words shows the whole message.
			if _, ok := AsAPIError(err); ok {
				t.Fatal("AsAPIError reports the answer of an unknown outcome")
			}
			var ae *APIError
			if strings.HasPrefix(name, "5") && (!errors.As(err, &ae) || ae.StatusCode < 500) {
				t.Fatalf("the 5xx answer is not in the chain: %v", err)
			}
			if !strings.Contains(err.Error(), "outcome is unknown") || !strings.HasPrefix(err.Error(), "POST /api/roles: ") {
				t.Fatalf("message = %q", err)
			}
			if tt.timeout > 0 && !strings.Contains(err.Error(), "request timeout") {
				t.Fatalf("message does not name the timeout: %q", err)
			}
			if n.Load() != 1 {
				t.Fatalf("server saw %d POSTs, want exactly 1", n.Load())
			}
		})
	}
	// For comparison, the same timeout is retried for a GET.
	t.Run("GET timeout is retried", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int64
		f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				<-r.Context().Done()
				return
			}
			okRole(w, r)
		})
		c := f.client(func(c *Config) { c.RequestTimeout = 100 * time.Millisecond })
		if err := callFor(c, t.Context(), http.MethodGet); err != nil {
			t.Fatal(err)
		}
		if n.Load() != 2 {
			t.Fatalf("attempts = %d, want 2", n.Load())
		}
	})
}

// refusingClient returns an HTTP client whose first `refusals` dials fail
// like a refused connection, then dial for real.
func refusingClient(refusals int64, dials *atomic.Int64) *http.Client {
	tr := cleanhttp.DefaultPooledTransport()
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) <= refusals {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
		}
		return dial(ctx, network, addr)
	}
	return &http.Client{Transport: tr}
}

func TestPOSTRetriedOnConnectionRefused(t *testing.T) {
	t.Parallel()
	var posts atomic.Int64
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		success(w, r)
	})
	var dials atomic.Int64
	c := f.client(func(c *Config) {
		c.ClientID, c.ClientSecret, c.AccessToken = "", "", "static"
		c.HTTPClient = refusingClient(2, &dials)
	})
	f.valid["static"] = true
	if err := callFor(c, t.Context(), http.MethodPost); err != nil {
		t.Fatal(err)
	}
	if posts.Load() != 1 || dials.Load() != 3 {
		t.Fatalf("posts = %d (want 1), dials = %d (want 3)", posts.Load(), dials.Load())
	}
}

func TestPOSTAgainstClosedPort(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now: a real "connection refused"
	var dials atomic.Int64
	c, err := New(Config{
		APIURL: "http://" + addr, AccessToken: "static", MaxRetries: 2,
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
		HTTPClient: refusingClient(0, &dials),
	})
	if err != nil {
		t.Fatal(err)
	}
	err = callFor(c, t.Context(), http.MethodPost)
	if err == nil || IsUnknownOutcome(err) || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Fatalf("err = %v", err)
	}
	if dials.Load() != 3 {
		t.Fatalf("dials = %d, want 3", dials.Load())
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	c := &Client{waitMin: 100 * time.Millisecond, waitMax: time.Second}
	ms := time.Millisecond
	for n, want := range []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, time.Second, time.Second, time.Second} {
		for range 20 {
			if d := c.backoff(n); d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %s, want in [%s, %s]", n, d, want/2, want)
			}
		}
	}
}

// A wait the API asks for that fits the budget but not what is left of it.
func TestRetryAfterBeyondWhatIsLeftOfTheBudget(t *testing.T) {
	t.Parallel()
	c := &Client{maxRetries: 6, budget: 5 * time.Minute}
	st := &callState{start: time.Now().Add(-290 * time.Second)}
	cause := errors.New("429 Too Many Requests")
	_, err := c.retryWait(t.Context(), call{method: http.MethodGet, path: "/api/roles"}, st, retryAfter(cause, 20*time.Second), 3)
	want := regexp.MustCompile(`^429 Too Many Requests \(gave up after 3 attempts: the API asked to wait 20 s, more than the (10|9\.\d) s left of the 300 s retry budget\)$`)
	if err == nil || !want.MatchString(err.Error()) || !errors.Is(err, cause) {
		t.Fatalf("err =\n%v\nwant\n%s", err, want)
	}
}
