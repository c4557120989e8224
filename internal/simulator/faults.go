package simulator

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FaultKind is what an injected fault does to a request.
type FaultKind int

const (
	// FaultLatency delays the response by Fault.Latency.
	FaultLatency FaultKind = iota + 1
	// FaultStatus answers with Fault.Status and an error document.
	FaultStatus
	// FaultDrop closes the connection without any response.
	FaultDrop
)

// Fault describes misbehaviour to inject into matching requests.
type Fault struct {
	Kind       FaultKind
	Method     string // "" = any
	PathPrefix string // e.g. "/api/roles" or "/oauth/token"; "" = any
	Status     int    // FaultStatus: 429, 500, 502, 503...
	// RetryAfter sets Retry-After (whole seconds, rounded up) on a 429 or 503.
	RetryAfter time.Duration
	Latency    time.Duration // FaultLatency
	Count      int           // the next Count matching requests; 0 = unlimited
	Rate       float64       // probability in (0, 1]; 0 = always
	// AfterHandling applies the request to the store first, then replaces
	// or drops its response (a timeout after a POST was acted on) or, for
	// FaultLatency, delays the response instead of the request.
	AfterHandling bool
}

type faultState struct {
	Fault
	left int // matches left; -1 = unlimited
}

// takeFault returns the first injected fault that fires for a request,
// using up one of its Count.
func (s *Simulator) takeFault(method, path string) *Fault {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	for i, f := range s.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, method) || !strings.HasPrefix(path, f.PathPrefix) {
			continue
		}
		if f.Rate > 0 && rand.Float64() >= f.Rate {
			continue
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
		}
		out := f.Fault
		return &out
	}
	return nil
}

// faultResponse is the answer of a FaultStatus: an error of the auth
// server's shape on the token endpoint, a JSON:API error document elsewhere.
func faultResponse(path string, f *Fault) *response {
	var resp *response
	switch {
	case path == "/oauth/token":
		code := "server_error"
		if f.Status == http.StatusTooManyRequests {
			code = "too_many_requests"
		}
		resp = authError(f.Status, code, "Injected fault: "+http.StatusText(f.Status))
	case f.Status == http.StatusTooManyRequests:
		resp = errorResponse(errTooManyRequests())
	default:
		resp = errorResponse(errServer(f.Status))
	}
	if f.RetryAfter > 0 && (f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable) {
		resp.header.Set("Retry-After", retryAfter(f.RetryAfter))
	}
	return resp
}

// retryAfter renders a wait as Retry-After seconds, rounded up.
func retryAfter(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// drop closes the client's connection without a response.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2): net/http resets the stream on this panic.
	panic(http.ErrAbortHandler)
}
