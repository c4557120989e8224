package provisioning

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// rolesAPI serves roles that exist (all ids but those in gone) as single
// GETs and as lists filtered by id_in, and records the requests.
type rolesAPI struct {
	gone       map[string]bool
	listStatus int // when set, lists are answered with this status
	mu         sync.Mutex
	requests   []string // "GET /api/roles/r1" or "GET /api/roles?<query>"
}

func (a *rolesAPI) serve(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	line := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		line += "?" + r.URL.RawQuery
	}
	a.requests = append(a.requests, line)
	a.mu.Unlock()
	role := func(id string) jsonapi.Resource {
		return jsonapi.Resource{Type: "roles", ID: id, Attributes: map[string]any{"name": "role " + id},
			Relationships: map[string]jsonapi.Relationship{"organization": jsonapi.ToOne("organizations", "o-"+id)}}
	}
	if id, ok := strings.CutPrefix(r.URL.Path, "/api/roles/"); ok {
		if a.gone[id] {
			writeErrors(w, http.StatusNotFound, jsonapi.Error{Title: "Record not found", Detail: "The requested resource was not found", Code: "RECORD_NOT_FOUND", Status: "404"})
			return
		}
		writeResource(w, http.StatusOK, role(id))
		return
	}
	if a.listStatus != 0 {
		writeErrors(w, a.listStatus, jsonapi.Error{Title: http.StatusText(a.listStatus), Status: fmt.Sprint(a.listStatus)})
		return
	}
	ids := strings.Split(r.URL.Query().Get("filter[q][id_in]"), ",")
	if len(ids) > PageSize {
		writeErrors(w, http.StatusBadRequest, jsonapi.Error{Title: "too many ids"})
		return
	}
	var out []jsonapi.Resource
	for _, id := range ids {
		if !a.gone[id] {
			out = append(out, role(id))
		}
	}
	doc, err := jsonapi.NewMany(out)
	if err != nil {
		panic(err)
	}
	writeDoc(w, http.StatusOK, doc)
}

func (a *rolesAPI) seen() (lists, singles []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range a.requests {
		if strings.HasPrefix(r, "GET /api/roles?") {
			lists = append(lists, r)
		} else {
			singles = append(singles, r)
		}
	}
	return lists, singles
}

// batchedClient is a client against api with batching on, whose window
// closes only when the test advances the fake clock. joined receives once
// per caller that joined a batch.
func batchedClient(t *testing.T, api *rolesAPI, mod ...func(*Config)) (c *Client, fc *fakeClock, joined chan struct{}) {
	f := newFakeAPI(t, api.serve)
	c = f.client(append([]func(*Config){func(c *Config) { c.BatchWindow = DefaultBatchWindow }}, mod...)...)
	fc = newFakeClock()
	joined = make(chan struct{}, 1000)
	c.batch.clock = fc
	c.batch.onJoin = func() { joined <- struct{}{} }
	return c, fc, joined
}

// getRole starts c.Get of role id; the channel gets its error.
func getRole(t *testing.T, c *Client, id string) chan error {
	got := make(chan error, 1)
	go func() {
		_, err := c.Get(t.Context(), "roles", id, "organization")
		got <- err
	}()
	return got
}

type getResult struct {
	id  string
	r   *jsonapi.Resource
	err error
}

// getConcurrently starts one Get per id, waits until every caller joined a
// batch, closes the open windows and returns the answers.
func getConcurrently(t *testing.T, c *Client, fc *fakeClock, joined chan struct{}, ids []string) []getResult {
	t.Helper()
	out := make(chan getResult, len(ids))
	for _, id := range ids {
		go func() {
			r, err := c.Get(t.Context(), "roles", id, "organization")
			out <- getResult{id, r, err}
		}()
	}
	for range ids {
		select {
		case <-joined:
		case <-time.After(10 * time.Second): // a guard against a hang, not a timing
			t.Fatal("callers did not join")
		}
	}
	fc.Advance(2 * DefaultBatchWindow) // the longest a batch waits
	var got []getResult
	for range ids {
		got = append(got, <-out)
	}
	return got
}

func TestBatchedGetsShareListRequests(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 10, 25, 26, 60} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			api := &rolesAPI{}
			c, fc, joined := batchedClient(t, api)
			ids := make([]string, n)
			for i := range ids {
				ids[i] = fmt.Sprintf("r%02d", i)
			}
			for _, g := range getConcurrently(t, c, fc, joined, ids) {
				if g.err != nil {
					t.Fatal(g.err)
				}
				if g.r.ID != g.id || g.r.String("name") != "role "+g.id || g.r.Rel("organization").ID() != "o-"+g.id {
					t.Fatalf("Get(%s) = %+v", g.id, g.r)
				}
			}
			lists, singles := api.seen()
			if want := (n + PageSize - 1) / PageSize; len(lists)+len(singles) != want || (n%PageSize != 1 && len(singles) > 0) {
				t.Fatalf("%d Gets made %d lists and %d GETs, want %d requests in all: %v %v", n, len(lists), len(singles), want, lists, singles)
			}
			for _, l := range lists {
				if !strings.Contains(l, "include=organization") || !strings.Contains(l, "page[size]=25") {
					t.Fatalf("list request %q", l)
				}
			}
		})
	}
}

// A lone Get is the plain GET, sent at once: no other Get of its kind came
// within the window, so it waits for nothing.
func TestLoneGetIsThePlainGET(t *testing.T) {
	t.Parallel()
	api := &rolesAPI{}
	c, fc, _ := batchedClient(t, api)
	got := make(chan error, 1)
	go func() {
		r, err := c.Get(t.Context(), "roles", "r1", "organization")
		if err == nil && r.ID != "r1" {
			err = fmt.Errorf("got %s", r.ID)
		}
		got <- err
	}()
	if d := fc.waitArmed(t); d != 0 {
		t.Fatalf("a lone Get waits %s", d)
	}
	fc.Advance(0)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	lists, singles := api.seen()
	if len(lists) != 0 || !slices.Equal(singles, []string{"GET /api/roles/r1?include=organization"}) {
		t.Fatalf("lists %v, GETs %v", lists, singles)
	}
}

// An id the list does not answer is read with its own GET: a 404 is the
// API's own (IsNotFound, the same message), and an object the list left
// out is still found.
func TestBatchMissingIDIsReadAlone(t *testing.T) {
	t.Parallel()
	api := &rolesAPI{gone: map[string]bool{"r2": true}}
	c, fc, joined := batchedClient(t, api)
	got := getConcurrently(t, c, fc, joined, []string{"r1", "r2", "r3"})
	single, single404 := c.getOne(t.Context(), "roles", "r2", []string{"organization"})
	for _, g := range got {
		switch g.id {
		case "r2":
			if !IsNotFound(g.err) || single != nil || g.err.Error() != single404.Error() {
				t.Fatalf("missing id: %v; the plain GET says %v", g.err, single404)
			}
		default:
			if g.err != nil || g.r.ID != g.id {
				t.Fatalf("%s: %v", g.id, g.err)
			}
		}
	}
	lists, singles := api.seen()
	if len(lists) != 1 || len(singles) != 2 { // the batch's GET of r2, and this test's
		t.Fatalf("lists %v, GETs %v", lists, singles)
	}
}

// A list the API refuses (4xx) gives way to plain GETs, and the type is
// not batched again; a list that fails otherwise returns its error to
// every caller, with no GET per id.
func TestBatchListFailures(t *testing.T) {
	t.Parallel()
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		api := &rolesAPI{listStatus: http.StatusBadRequest}
		c, fc, joined := batchedClient(t, api)
		for _, g := range getConcurrently(t, c, fc, joined, []string{"r1", "r2", "r3"}) {
			if g.err != nil || g.r.ID != g.id {
				t.Fatalf("%s: %v", g.id, g.err)
			}
		}
		if lists, singles := api.seen(); len(lists) != 1 || len(singles) != 3 {
			t.Fatalf("lists %v, GETs %v", lists, singles)
		}
		if c.batch.accepts("roles", "r4") {
			t.Fatal("roles are still batched after the list was refused")
		}
	})
	t.Run("unavailable", func(t *testing.T) {
		t.Parallel()
		api := &rolesAPI{listStatus: http.StatusServiceUnavailable}
		c, fc, joined := batchedClient(t, api, func(c *Config) { c.MaxRetries = -1 })
		for _, g := range getConcurrently(t, c, fc, joined, []string{"r1", "r2", "r3"}) {
			if ae, ok := AsAPIError(g.err); !ok || ae.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("%s: %v", g.id, g.err)
			}
		}
		if lists, singles := api.seen(); len(lists) != 1 || len(singles) != 0 {
			t.Fatalf("lists %v, GETs %v", lists, singles)
		}
		if !c.batch.accepts("roles", "r4") {
			t.Fatal("a 503 stopped batching")
		}
	})
}

// The same id twice is asked once; each caller gets its own copy.
func TestBatchSameIDTwice(t *testing.T) {
	t.Parallel()
	api := &rolesAPI{}
	c, fc, joined := batchedClient(t, api)
	got := getConcurrently(t, c, fc, joined, []string{"r1", "r1", "r2"})
	var r1 []*jsonapi.Resource
	for _, g := range got {
		if g.err != nil {
			t.Fatal(g.err)
		}
		if g.id == "r1" {
			r1 = append(r1, g.r)
		}
	}
	if len(r1) != 2 || r1[0] == r1[1] || r1[0].ID != "r1" {
		t.Fatalf("r1 answers: %v", r1)
	}
	lists, _ := api.seen()
	if len(lists) != 1 || !strings.Contains(lists[0], "filter[q][id_in]=r1,r2&") && !strings.Contains(lists[0], "filter[q][id_in]=r2,r1&") {
		t.Fatalf("lists %v", lists)
	}
}

// A caller that gives up returns at once; the others still get their
// answers from the same list.
func TestBatchCallerCancels(t *testing.T) {
	t.Parallel()
	api := &rolesAPI{}
	c, fc, joined := batchedClient(t, api)
	ctx, cancel := context.WithCancel(t.Context())
	gave := make(chan error, 1)
	go func() {
		_, err := c.Get(ctx, "roles", "r1", "organization")
		gave <- err
	}()
	<-joined
	cancel()
	if err := <-gave; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	got := getConcurrently(t, c, fc, joined, []string{"r2"})
	for _, g := range got {
		if g.err != nil || g.r.ID != "r2" {
			t.Fatalf("%v", g.err)
		}
	}
	if lists, _ := api.seen(); len(lists) != 1 {
		t.Fatalf("lists %v", lists)
	}
}

// Different includes, types that are not batched, and a client without a
// window: plain GETs.
func TestBatchKeysAndOff(t *testing.T) {
	t.Parallel()
	t.Run("include", func(t *testing.T) {
		t.Parallel()
		api := &rolesAPI{}
		c, fc, joined := batchedClient(t, api)
		var wg sync.WaitGroup
		for _, inc := range [][]string{{"organization"}, nil} {
			wg.Go(func() {
				if _, err := c.Get(t.Context(), "roles", "r1", inc...); err != nil {
					t.Error(err)
				}
			})
		}
		<-joined
		<-joined
		fc.Advance(DefaultBatchWindow)
		wg.Wait()
		if lists, singles := api.seen(); len(lists) != 0 || len(singles) != 2 {
			t.Fatalf("lists %v, GETs %v", lists, singles)
		}
	})
	t.Run("application_memberships", func(t *testing.T) {
		t.Parallel()
		c := newFakeAPI(t, okRole).client(func(c *Config) { c.BatchWindow = DefaultBatchWindow })
		if c.batch.accepts("application_memberships", "a1") || c.batch.accepts("roles", "a,b") {
			t.Fatal("batched")
		}
	})
	t.Run("off", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int64
		api := &rolesAPI{}
		c := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { n.Add(1); api.serve(w, r) }).client()
		if c.batch != nil {
			t.Fatal("batching on without a window")
		}
		var wg sync.WaitGroup
		for i := range 5 {
			wg.Go(func() {
				if _, err := c.Get(t.Context(), "roles", fmt.Sprint("r", i)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if lists, singles := api.seen(); len(lists) != 0 || len(singles) != 5 {
			t.Fatalf("lists %v, GETs %v", lists, singles)
		}
	})
}

// A Get that comes within the window after another of its kind (reads
// arriving one after the other in a refresh) waits the window to be
// collected with those that follow.
func TestGetAfterAnotherWaitsTheWindow(t *testing.T) {
	t.Parallel()
	api := &rolesAPI{}
	c, fc, _ := batchedClient(t, api)
	get := func(id string) chan error { return getRole(t, c, id) }
	first := get("r1")
	if d := fc.waitArmed(t); d != 0 {
		t.Fatalf("the first Get waits %s", d)
	}
	fc.Advance(0)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	second := get("r2")
	if d := fc.waitArmed(t); d != DefaultBatchWindow {
		t.Fatalf("a Get right after another waits %s, want the window %s", d, DefaultBatchWindow)
	}
	fc.Advance(DefaultBatchWindow)
	if err := <-second; err != nil {
		t.Fatal(err)
	}
}

// A Get that comes while a batch of its kind is being answered, or soon
// after, is part of the same burst and waits the window; a Get after the
// quiet time is lone again and is sent at once.
func TestGetDuringOrJustAfterAnAnswerWaitsTheWindow(t *testing.T) {
	t.Parallel()
	api := &rolesAPI{}
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/roles/r1" {
			arrived <- struct{}{}
			<-release
		}
		api.serve(w, r)
	})
	var releaseOnce sync.Once
	free := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(free) // before the server closes, which waits for its handlers
	c := f.client(func(c *Config) { c.BatchWindow = DefaultBatchWindow })
	fc := newFakeClock()
	c.batch.clock = fc
	get := func(id string) chan error { return getRole(t, c, id) }

	quiet := c.batch.quiet() + time.Nanosecond
	first := get("r1")
	if d := fc.waitArmed(t); d != 0 {
		t.Fatalf("a lone Get waits %s", d)
	}
	fc.Advance(0)
	<-arrived
	fc.Advance(quiet) // r1 is still being answered
	second := get("r2")
	if d := fc.waitArmed(t); d != DefaultBatchWindow {
		t.Fatalf("a Get while another is answered waits %s, want the window %s", d, DefaultBatchWindow)
	}
	free()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	fc.Advance(quiet) // r2's window closes and it is answered now
	if err := <-second; err != nil {
		t.Fatal(err)
	}

	third := get("r3") // the last Get came a quiet time ago, the last answer now
	d := fc.waitArmed(t)
	if d == 0 {
		t.Fatal("a Get right after an answer is sent at once, want it to wait for others")
	}
	fc.Advance(d)
	if err := <-third; err != nil {
		t.Fatal(err)
	}

	fc.Advance(quiet)
	fourth := get("r4")
	if d := fc.waitArmed(t); d != 0 {
		t.Fatalf("a Get long after the last answer waits %s, want 0", d)
	}
	fc.Advance(0)
	if err := <-fourth; err != nil {
		t.Fatal(err)
	}
}

// Once the batcher has seen how many Gets come at once (Terraform's
// parallelism), a batch that holds every Get under way, as many as that, is
// sent without waiting; fewer wait for the others up to twice the window.
func TestBatchOfAllKnownWorkersIsSentAtOnce(t *testing.T) {
	t.Parallel()
	api := &rolesAPI{}
	c, fc, joined := batchedClient(t, api)
	getConcurrently(t, c, fc, joined, []string{"r1", "r2", "r3", "r4"}) // learns 4 at once
	if d := fc.waitArmed(t); d != 0 {
		t.Fatalf("the first batch (a burst's first Get) waits %s", d)
	}

	out := make(chan error, 4)
	for _, id := range []string{"r5", "r6", "r7", "r8"} {
		go func() {
			_, err := c.Get(t.Context(), "roles", id, "organization")
			out <- err
		}()
	}
	for range 4 { // the clock does not move: the fourth caller sends the batch
		select {
		case err := <-out:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second): // a guard against a hang, not a timing
			t.Fatal("a batch of every known worker waited for the window")
		}
	}
	lists, singles := api.seen()
	if len(lists) != 2 || len(singles) != 0 {
		t.Fatalf("requests: lists %q, singles %q; want 2 lists", lists, singles)
	}
	for range 4 { // the joins of r5..r8
		<-joined
	}
	if d := fc.waitArmed(t); d != 2*DefaultBatchWindow {
		t.Fatalf("with the parallelism known a batch waits at most %s, want twice the window", d)
	}

	for _, id := range []string{"r9", "r10", "r11"} {
		go func() {
			_, err := c.Get(t.Context(), "roles", id, "organization")
			out <- err
		}()
	}
	for range 3 {
		<-joined
	}
	if lists, _ := api.seen(); len(lists) != 2 {
		t.Fatalf("3 of 4 workers: a list was sent before the window closed: %q", lists)
	}
	if d := fc.waitArmed(t); d != 2*DefaultBatchWindow {
		t.Fatalf("3 of 4 workers wait %s, want twice the window", d)
	}
	fc.Advance(DefaultBatchWindow)
	if lists, _ := api.seen(); len(lists) != 2 {
		t.Fatalf("3 of 4 workers: a list was sent after one window: %q", lists)
	}
	fc.Advance(DefaultBatchWindow)
	for range 3 {
		if err := <-out; err != nil {
			t.Fatal(err)
		}
	}
	if lists, _ := api.seen(); len(lists) != 3 || !strings.Contains(lists[2], "r9") || !strings.Contains(lists[2], "r10") || !strings.Contains(lists[2], "r11") {
		t.Fatalf("lists %q; want a third with r9, r10, r11", lists)
	}
}
