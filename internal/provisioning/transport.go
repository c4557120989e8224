package provisioning

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// Why a hand-written retry loop rather than hashicorp/go-retryablehttp:
// the POST rule needs to know *where* a request failed (never connected vs
// sent and then lost), which a CheckRetry(ctx, resp, err) policy only sees as
// an opaque error; the 401 refresh must not count as a retry and must swap
// the Authorization header between attempts; token-fetch failures, the
// client-side limiter, per-attempt timeouts and a total time budget all have
// to share one loop; and its logger interface would need an adapter to keep
// bodies and headers out of tflog. The loop below is short and states each
// rule once.

// maxResponseBytes bounds what is read from one response.
const maxResponseBytes = 32 << 20

// call is one API call (possibly several attempts).
type call struct {
	method   string
	path     string // escaped, "/api/roles/x"; no query
	endpoint string // first segment after /api, for the limiter
	query    string // encoded, without "?"
	body     []byte // nil: no body
	one      bool   // a 2xx must carry one resource
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// Field keys whose values tflog must mask wherever they appear.
var sensitiveLogKeys = []string{
	"access_token", "client_secret", "authorization", "Authorization", "token", "secret", "password",
}

func (c *Client) logContext(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, sensitiveLogKeys...)
	if len(c.secrets) > 0 {
		ctx = tflog.MaskLogStrings(ctx, c.secrets...)
	}
	return ctx
}

// do runs a call with auth, limits and retries, and decodes a 2xx body
// (nil when empty). Any non-2xx ends as an error.
func (c *Client) do(ctx context.Context, cl call) (*jsonapi.Document, error) {
	ctx = c.logContext(ctx)
	st := &callState{start: time.Now()}
	for attempt := 1; ; attempt++ {
		o := c.attempt(ctx, cl, st, attempt)
		switch o.kind {
		case outcomeDone:
			return o.doc, o.err
		case outcomeRepeat:
			continue
		}
		wait, err := c.retryWait(ctx, cl, st, o, attempt)
		if err != nil {
			return nil, err
		}
		if err := sleep(ctx, wait); err != nil {
			// Both wrapped: AsAPIError finds the failure, errors.Is the
			// context's cancellation or deadline.
			return nil, fmt.Errorf("%w (interrupted while waiting to retry: %w)", o.err, err)
		}
	}
}

// callState is what the attempts of one call share.
type callState struct {
	start     time.Time
	retries   int       // retries made so far (a token refresh is not one)
	refreshes int       // tokens dropped after a 401
	refreshed bool      // a 401 dropped the token; the next one is fresh
	sentAt    time.Time // when the last attempt was sent
}

// maxTokenRefreshes bounds the 401-then-new-token repeats of one call.
const maxTokenRefreshes = 3

type outcomeKind int

const (
	outcomeDone   outcomeKind = iota // doc or err is the call's result
	outcomeRetry                     // err may go away: retry after wait (0: backoff)
	outcomeRepeat                    // repeat at once; not counted as a retry
)

// outcome is what one attempt decided.
type outcome struct {
	kind outcomeKind
	doc  *jsonapi.Document
	err  error
	wait time.Duration // outcomeRetry: the server's Retry-After, if any
}

func finished(doc *jsonapi.Document, err error) outcome {
	return outcome{kind: outcomeDone, doc: doc, err: err}
}

func giveUp(err error) outcome { return outcome{kind: outcomeDone, err: err} }

func retryAfter(err error, wait time.Duration) outcome {
	return outcome{kind: outcomeRetry, err: err, wait: wait}
}

// attempt makes one attempt of a call: token, limiter, request, and the
// decision about what its answer means.
func (c *Client) attempt(ctx context.Context, cl call, st *callState, n int) outcome {
	if err := ctx.Err(); err != nil {
		return giveUp(&RequestError{Method: cl.method, Path: cl.path, Err: err})
	}
	tok, err := c.auth.token(ctx)
	if err != nil {
		var te *TokenError
		if ctx.Err() != nil || !errors.As(err, &te) || !te.retryable() {
			return giveUp(err)
		}
		if te.StatusCode == http.StatusTooManyRequests {
			c.limiter.blockToken(te.RetryAfter)
		}
		tflog.Warn(ctx, "Provisioning API token request failed", map[string]any{"error": err.Error(), "attempt": n})
		return retryAfter(err, te.RetryAfter)
	}
	// A token obtained after this call's own 401 is fresh: a 401 to it is
	// about permission, not about the token.
	fresh := st.refreshed
	st.refreshed = false
	actx := tflog.MaskLogStrings(ctx, tok)
	place, waited, err := c.limiter.waitRequest(actx, cl.method, cl.endpoint)
	if err != nil {
		return giveUp(&RequestError{Method: cl.method, Path: cl.path, Err: err})
	} else if waited >= 50*time.Millisecond {
		tflog.Debug(actx, "Provisioning API client-side rate limit: request delayed", map[string]any{
			"method": cl.method, "path": cl.path, "wait_ms": waited.Milliseconds(),
		})
	}
	st.sentAt = time.Now()
	res, sent, err := c.send(ctx, cl, tok)
	c.limiter.done(place, res)
	fields := map[string]any{
		"method": cl.method, "path": cl.path, "attempt": n,
		"duration_ms": time.Since(st.sentAt).Milliseconds(),
	}
	if err != nil {
		fields["error"] = err.Error()
	} else {
		fields["status"] = res.status
	}
	tflog.Debug(actx, "Provisioning API request", fields)
	if err != nil {
		return c.transportOutcome(ctx, cl, st, err, sent)
	}
	return c.responseOutcome(actx, cl, st, res, tok, fresh)
}

// transportOutcome decides about an attempt that got no answer. sent: a
// connection was obtained, so the API may have seen the request.
func (c *Client) transportOutcome(ctx context.Context, cl call, st *callState, err error, sent bool) outcome {
	reqErr := &RequestError{Method: cl.method, Path: cl.path, Err: err}
	switch {
	case ctx.Err() != nil:
		if cl.method == http.MethodPost && sent {
			return giveUp(st.unknownOutcome(cl, ctx.Err()))
		}
		return giveUp(&RequestError{Method: cl.method, Path: cl.path, Err: ctx.Err()})
	case isPermanentTransportError(err):
		return giveUp(reqErr)
	case isIdempotent(cl.method):
		return retryAfter(reqErr, 0)
	case !sent && isDialError(err):
		// Nothing reached the API: safe to repeat even a POST.
		return retryAfter(reqErr, 0)
	case !sent:
		return giveUp(&RequestError{Method: cl.method, Path: cl.path,
			Err: fmt.Errorf("%w (the request was not sent)", err)})
	default:
		return giveUp(st.unknownOutcome(cl, err))
	}
}

func (st *callState) unknownOutcome(cl call, err error) *UnknownOutcomeError {
	return &UnknownOutcomeError{Method: cl.method, Path: cl.path, SentAt: st.sentAt, Err: err}
}

// responseOutcome decides about an HTTP answer. fresh: tok was obtained
// after a 401 earlier in this call.
func (c *Client) responseOutcome(ctx context.Context, cl call, st *callState, res *response, tok string, fresh bool) outcome {
	switch s := res.status; {
	case s >= 200 && s < 300:
		doc, err := decode(cl, res)
		switch {
		case err == nil:
			return finished(doc, nil)
		case cl.method == http.MethodPost:
			// Applied, most likely, but what it made cannot be read.
			return giveUp(st.unknownOutcome(cl, fmt.Errorf("%w; the request was most likely applied", err)))
		default:
			return giveUp(&RequestError{Method: cl.method, Path: cl.path, Err: err})
		}
	case s == http.StatusUnauthorized:
		return c.unauthorized(ctx, cl, st, res, tok, fresh)
	case s == http.StatusTooManyRequests:
		wait, _ := parseRetryAfter(res.header.Get("Retry-After"), time.Now())
		return retryAfter(c.apiError(cl, res), wait)
	case s >= 500 && !isIdempotent(cl.method):
		// The API may have acted before failing: never repeated.
		return giveUp(st.unknownOutcome(cl, c.apiError(cl, res)))
	case isRetryableStatus(s):
		wait, _ := parseRetryAfter(res.header.Get("Retry-After"), time.Now())
		return retryAfter(c.apiError(cl, res), wait)
	default:
		return giveUp(c.apiError(cl, res))
	}
}

// unauthorized decides about a 401. A token that expired or was revoked is
// replaced and the request repeated (the API did not act, so this is safe
// for every method and does not count as a retry), up to maxTokenRefreshes
// times a call. A 401 to a token obtained right after such a refresh is a
// permission refusal: a NotAllowedError, never repeated.
func (c *Client) unauthorized(ctx context.Context, cl call, st *callState, res *response, tok string, fresh bool) outcome {
	ae := c.apiError(cl, res)
	switch {
	case !c.auth.canRefresh():
		return giveUp(ae)
	case fresh:
		return giveUp(&NotAllowedError{Method: cl.method, Path: cl.path, API: ae})
	case st.refreshes >= maxTokenRefreshes:
		return giveUp(fmt.Errorf("%w (gave up: the API rejected %d access tokens during this call)", ae, st.refreshes+1))
	}
	st.refreshes++
	st.refreshed = true
	c.auth.invalidate(tok)
	tflog.Info(ctx, "Provisioning API rejected the access token; fetching a new one", map[string]any{
		"method": cl.method, "path": cl.path, "refresh": st.refreshes,
	})
	return outcome{kind: outcomeRepeat}
}

// retryWait decides whether a retryable failure is retried, and after how
// long; it counts and logs the retry. An error ends the call.
func (c *Client) retryWait(ctx context.Context, cl call, st *callState, o outcome, attempt int) (time.Duration, error) {
	if st.retries >= c.maxRetries {
		return 0, fmt.Errorf("%w (gave up after %d attempts)", o.err, attempt)
	}
	wait := o.wait
	if wait <= 0 {
		wait = c.backoff(st.retries)
	}
	elapsed := time.Since(st.start)
	switch {
	case elapsed+wait <= c.budget:
	case o.wait > c.budget:
		return 0, fmt.Errorf("%w (gave up: the API asked to wait %s s, more than the %s s retry budget)",
			o.err, seconds(o.wait), seconds(c.budget))
	case o.wait > 0:
		return 0, fmt.Errorf("%w (gave up after %d attempts: the API asked to wait %s s, more than the %s s left of the %s s retry budget)",
			o.err, attempt, seconds(o.wait), seconds(max(c.budget-elapsed, 0)), seconds(c.budget))
	default:
		return 0, fmt.Errorf("%w (gave up after %d attempts: waiting %s more would exceed the retry budget of %s)",
			o.err, attempt, wait.Round(time.Millisecond), c.budget)
	}
	st.retries++
	fields := map[string]any{
		"method": cl.method, "path": cl.path, "attempt": attempt,
		"wait_ms": wait.Milliseconds(), "retry": st.retries, "max_retries": c.maxRetries,
	}
	if ae, ok := AsAPIError(o.err); ok && ae.StatusCode == http.StatusTooManyRequests {
		fields["retry_after_ms"] = o.wait.Milliseconds()
		tflog.Warn(ctx, "Provisioning API rate limit hit (429); waiting before retrying", fields)
	} else {
		fields["error"] = o.err.Error()
		tflog.Warn(ctx, "Provisioning API request failed; retrying", fields)
	}
	return wait, nil
}

// send makes one attempt. sent reports whether a connection was obtained,
// i.e. whether any part of the request may have reached the server.
func (c *Client) send(ctx context.Context, cl call, token string) (res *response, sent bool, err error) {
	actx, cancel := context.WithTimeout(ctx, c.reqTimeout)
	defer cancel()
	var gotConn atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) },
	})

	u := c.apiBase + cl.path
	if cl.query != "" {
		u += "?" + cl.query
	}
	var body io.Reader
	if cl.body != nil {
		body = bytes.NewReader(cl.body)
	}
	req, err := http.NewRequestWithContext(actx, cl.method, u, body)
	if err != nil {
		return nil, false, errors.New("building the request failed")
	}
	req.Header.Set("Accept", jsonapi.MediaType)
	if cl.body != nil {
		req.Header.Set("Content-Type", jsonapi.MediaType)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, gotConn.Load(), c.transportError(ctx, actx, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, true, c.transportError(ctx, actx, fmt.Errorf("reading the %d response: %w", resp.StatusCode, err))
	}
	if len(b) > maxResponseBytes {
		return nil, true, fmt.Errorf("the response is larger than %d bytes", maxResponseBytes)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}, true, nil
}

// transportError strips the url.Error wrapper (it repeats the URL and query)
// and names a per-attempt timeout as such.
func (c *Client) transportError(parent, attempt context.Context, err error) error {
	err = unwrapURLError(err)
	if parent.Err() == nil && errors.Is(attempt.Err(), context.DeadlineExceeded) {
		return &timeoutError{after: c.reqTimeout, err: err}
	}
	return err
}

type timeoutError struct {
	after time.Duration
	err   error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("no complete response within the request timeout of %s", e.after)
}
func (e *timeoutError) Unwrap() error { return e.err }
func (e *timeoutError) Timeout() bool { return true }

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

func (c *Client) apiError(cl call, res *response) *APIError {
	return newAPIError(cl.method, cl.path, res.status, res.header.Get("Content-Type"), res.body)
}

// decode reads a 2xx body: nil for an empty one, unless the call wants one
// resource. The error is the bare cause; the caller says whose.
func decode(cl call, res *response) (*jsonapi.Document, error) {
	if len(bytes.TrimSpace(res.body)) == 0 {
		if cl.one {
			return nil, fmt.Errorf("the API answered %d with no body", res.status)
		}
		return nil, nil
	}
	doc, err := jsonapi.Decode(res.body)
	if err != nil {
		return nil, fmt.Errorf("the API answered %d but the response is not a JSON:API document: %v", res.status, err)
	}
	if cl.one {
		if _, err := doc.One(); err != nil {
			return nil, fmt.Errorf("the API answered %d but not with one resource: %v", res.status, err)
		}
	}
	return doc, nil
}

func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

func isRetryableStatus(s int) bool {
	switch s {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// isDialError: the connection could not be established (refused, DNS,
// unreachable), so the server cannot have seen the request.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// isPermanentTransportError: errors a retry cannot fix.
func isPermanentTransportError(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verify           *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname),
		errors.As(err, &invalid), errors.As(err, &verify):
		return true
	}
	return false
}

// backoff returns the wait before retry n (0-based): exponential from
// waitMin, capped at waitMax, with "equal jitter" (half fixed, half random)
// so that concurrent callers do not retry in lockstep.
func (c *Client) backoff(n int) time.Duration {
	d := c.waitMin
	for i := 0; i < n && d < c.waitMax; i++ {
		d *= 2
	}
	d = min(d, c.waitMax)
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(half+1)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(min(n, 7*24*3600)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// seconds renders a duration in seconds: "3600", "1.5".
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Round(100*time.Millisecond).Seconds(), 'f', -1, 64)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
