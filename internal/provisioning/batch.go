package provisioning

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// Batched reads. Terraform refreshes up to 10 resources at once (its
// parallelism), each with one Get. Gets of the same type and include that
// come together are answered by one list request:
//
//   - a Get that comes when none of its kind came or was answered within the
//     quiet time (10 windows) is sent at once: a lone read waits for nothing;
//   - other Gets are collected for up to the window; once the batcher has seen
//     how many Gets come at once (Terraform's parallelism), a batch is sent as
//     soon as every Get under way is in one, and waits for the others up to
//     two windows (at a high parallelism they reach their next read over
//     several windows of Terraform's CPU work);
//   - a batch of 25 ids (the API's page size) is sent at once.
//
//	GET /api/<type>?filter[q][id_in]=a,b,c&include=...&page[number]=1&page[size]=25
//
// of up to 25 ids, the API's page size. Each caller gets exactly what its
// own GET would have given:
//
//   - a lone Get (nobody joined within the window) is sent as the plain GET;
//   - an id the list does not answer is read with its own GET, so a 404 is
//     the API's own 404 (IsNotFound) and an object the list leaves out for
//     any reason (a narrower list scope, a list that lags behind a create) is
//     still found: a missing id never makes a resource disappear from state;
//   - a list the API refuses with a 4xx (the filter not allowed, a
//     permission to retrieve but not to list) is replaced by the plain GETs,
//     and that type is not batched again by this client;
//   - any other failure of the list (5xx, 429 or connection errors that
//     outlasted the retries, which already ran within the retry budget) is
//     returned to every caller: one GET per id would meet the same API and
//     multiply the load on it and the wait.
//
// The list request runs on a context of its own (the first caller's values,
// none of its deadlines): it is cancelled only when every caller has gone.

// DefaultBatchWindow is a collection window that merges Terraform's
// concurrent refreshes while adding no noticeable delay to a lone read.
const DefaultBatchWindow = 2 * time.Millisecond

// batchTypes are the types whose list endpoint answers for any object its
// GET answers for. application_memberships is not one: its list holds only
// the caller's own application memberships and those of organizations where
// the caller is admin, while a member may retrieve others.
var batchTypes = map[string]bool{
	"api_credentials": true, "identity_providers": true, "memberships": true, "membership_profiles": true,
	"organizations": true, "permissions": true, "roles": true, "versions": true,
}

type batchKey struct{ typ, include string }

type batcher struct {
	c      *Client
	window time.Duration
	clock  clock
	onJoin func() // test hook: called after a caller joined a batch

	mu   sync.Mutex
	last map[batchKey]time.Time // when a Get of the key last came or a batch of it was answered
	busy map[batchKey]int       // batches of the key opened and not yet answered
	open map[batchKey]*batch
	// Gets in the batcher (waiting), of those the ones in batches not yet
	// sent (pending), and the most Gets ever in the batcher at once (peak:
	// Terraform's parallelism, as far as this client has seen it).
	waiting, pending, peak int
	refused                map[string]bool // types whose list refused an id_in filter
}

// batch is one collection of ids; done is closed when every id has its
// answer.
type batch struct {
	key     batchKey
	include []string
	ctx     context.Context
	cancel  context.CancelFunc
	expect  int           // the most Gets at once the batcher had seen when the batch opened
	full    chan struct{} // closed when the batch is sealed: send it now

	// guarded by batcher.mu
	ids     []string
	callers int  // callers still waiting
	sealed  bool // no more ids join

	done    chan struct{}
	results map[string]*jsonapi.Resource
	errs    map[string]error
	err     error // for every id without an entry in results or errs
}

// quiet is how long after the last read or answer of a kind a Get of that
// kind is lone again (sent at once).
func (bt *batcher) quiet() time.Duration { return 10 * bt.window }

func newBatcher(c *Client, window time.Duration) *batcher {
	return &batcher{c: c, window: window, clock: realClock{}, last: map[batchKey]time.Time{}, busy: map[batchKey]int{}, open: map[batchKey]*batch{}, refused: map[string]bool{}}
}

// accepts tells whether a Get goes through the batcher.
func (bt *batcher) accepts(typ, id string) bool {
	if bt == nil || !batchTypes[typ] || strings.ContainsAny(id, ",") {
		return false
	}
	bt.mu.Lock()
	defer bt.mu.Unlock()
	return !bt.refused[typ]
}

// get joins (or opens) the batch for typ and include and waits for id's
// answer or for ctx to end.
func (bt *batcher) get(ctx context.Context, typ, id string, include []string) (*jsonapi.Resource, error) {
	key := batchKey{typ, strings.Join(include, ",")}
	bt.mu.Lock()
	// A Get that comes when none of its key came or was answered within
	// the quiet time and none is being answered (a lone read, or the first
	// of a burst) is sent at once: only reads that come while others are
	// coming wait to be collected. A read that comes while a batch is
	// answered, or soon after, belongs to the same burst: Terraform's
	// workers start their next reads after their CPU work on the answers
	// (tens of milliseconds each on a loaded machine), so with the window
	// alone the first read of every wave would go alone.
	now := bt.clock.Now()
	wait := bt.window
	if last, ok := bt.last[key]; bt.busy[key] == 0 && (!ok || now.Sub(last) > bt.quiet()) {
		wait = 0
	}
	bt.last[key] = now
	b := bt.open[key]
	if b == nil {
		b = &batch{key: key, include: include, expect: bt.peak, full: make(chan struct{}), done: make(chan struct{})}
		b.ctx, b.cancel = context.WithCancel(context.WithoutCancel(ctx))
		bt.open[key] = b
		bt.busy[key]++
		if wait > 0 && b.expect > 1 {
			// Terraform's parallelism is known and the batch is sent as soon
			// as every worker is in it: the window only bounds the wait for
			// workers busy elsewhere, and at a high parallelism the workers
			// reach their next read over several windows (their CPU work).
			wait = 2 * bt.window
		}
		timer, stop := bt.clock.After(wait)
		go bt.run(b, timer, stop)
	}
	if !slices.Contains(b.ids, id) {
		b.ids = append(b.ids, id)
	}
	b.callers++
	bt.waiting++
	bt.pending++
	bt.peak = max(bt.peak, bt.waiting)
	switch {
	case len(b.ids) >= PageSize:
		bt.seal(b)
	case b.expect > 1 && bt.pending == bt.waiting && bt.waiting >= b.expect:
		// Every Get under way waits in a batch not yet sent, as many as were
		// ever at once before this batch opened: Terraform's workers are all
		// here and nobody else will come, so waiting out the window would
		// only add idle time. In the first wave (nothing learned yet) the
		// window decides.
		for _, o := range bt.open {
			bt.seal(o)
		}
	}
	bt.mu.Unlock()
	defer func() {
		bt.mu.Lock()
		bt.waiting--
		bt.mu.Unlock()
	}()
	if bt.onJoin != nil {
		bt.onJoin()
	}

	select {
	case <-b.done:
		return b.result(id)
	case <-ctx.Done():
		bt.mu.Lock()
		b.callers--
		if !b.sealed {
			bt.pending--
		}
		if b.callers == 0 && b.sealed {
			b.cancel() // nobody waits for the answer any more
		}
		bt.mu.Unlock()
		p, _, _ := apiPathSegments(typ, id)
		return nil, &RequestError{Method: http.MethodGet, Path: p, Err: ctx.Err()}
	}
}

// seal closes b to new ids (the next caller opens a new batch) and has it
// sent now. Called with bt.mu held.
func (bt *batcher) seal(b *batch) {
	if b.sealed {
		return
	}
	b.sealed = true
	if bt.open[b.key] == b {
		delete(bt.open, b.key)
	}
	bt.pending -= b.callers
	close(b.full)
}

func (b *batch) result(id string) (*jsonapi.Resource, error) {
	if r, ok := b.results[id]; ok {
		cp := *r // each caller its own copy of the top level
		return &cp, nil
	}
	if err, ok := b.errs[id]; ok {
		return nil, err
	}
	return nil, b.err
}

// run waits out the window (or until the batch is full), seals the batch
// and answers it.
func (bt *batcher) run(b *batch, timer <-chan time.Time, stop func()) {
	select {
	case <-timer:
	case <-b.full:
	}
	stop()
	bt.mu.Lock()
	bt.seal(b)
	if b.callers == 0 {
		b.cancel()
	}
	ids := b.ids
	bt.mu.Unlock()

	defer func() {
		b.cancel()
		bt.mu.Lock()
		bt.busy[b.key]--
		bt.last[b.key] = bt.clock.Now()
		bt.mu.Unlock()
		close(b.done)
	}()
	b.results, b.errs = map[string]*jsonapi.Resource{}, map[string]error{}
	if len(ids) == 1 {
		b.singles(bt.c, ids)
		return
	}
	found, err := bt.c.listByID(b.ctx, b.key.typ, ids, b.include)
	switch {
	case err == nil:
		var missing []string
		for _, id := range ids {
			if r, ok := found[id]; ok {
				b.results[id] = r
			} else {
				missing = append(missing, id)
			}
		}
		b.singles(bt.c, missing)
	case listRefused(err):
		bt.mu.Lock()
		bt.refused[b.key.typ] = true
		bt.mu.Unlock()
		b.singles(bt.c, ids)
	default:
		b.err = err
	}
}

// singles reads ids with one GET each, concurrently.
func (b *batch) singles(c *Client, ids []string) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			r, err := c.getOne(b.ctx, b.key.typ, id, b.include)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				b.errs[id] = err
			} else {
				b.results[id] = r
			}
		})
	}
	wg.Wait()
}

// listRefused: the API refused the list request itself (a 4xx other than
// 429), which plain GETs may not meet.
func listRefused(err error) bool {
	if IsNotAllowed(err) {
		return true
	}
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode >= 400 && ae.StatusCode < 500 && ae.StatusCode != http.StatusTooManyRequests
}

// listByID reads up to PageSize objects of one type by id in one request.
func (c *Client) listByID(ctx context.Context, typ string, ids, include []string) (map[string]*jsonapi.Resource, error) {
	p, ep, err := apiPathSegments(typ)
	if err != nil {
		return nil, err
	}
	filter := map[string]string{"id_in": strings.Join(ids, ",")}
	doc, err := c.read(ctx, call{method: http.MethodGet, path: p, endpoint: ep}, c.includedFields(typ, include), func(fields map[string]string) string {
		return encodeQueryFields(filter, nil, include, fields, 1)
	})
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, &RequestError{Method: http.MethodGet, Path: p, Err: errors.New("the response has no body")}
	}
	items, err := doc.Many()
	if err != nil {
		return nil, &RequestError{Method: http.MethodGet, Path: p, Err: err}
	}
	found := make(map[string]*jsonapi.Resource, len(items))
	for i := range items {
		if items[i].Type == typ && slices.Contains(ids, items[i].ID) {
			found[items[i].ID] = &items[i]
		}
	}
	return found, nil
}
