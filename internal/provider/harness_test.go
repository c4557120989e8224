package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator/contract"
)

// testEnv is where an acceptance test runs: the simulator, started in the
// test process on loopback, or the real API when CLPROVISIONING_CLIENT_ID
// and CLPROVISIONING_CLIENT_SECRET are set (make test-real; see
// realmode_test.go).
type testEnv struct {
	t        *testing.T
	sim      *simulator.Simulator // nil against the real API
	client   *provisioning.Client // direct access, for changes behind Terraform's back
	provider string               // the provider block to prepend to configurations
	org      string               // real API: the organization the tests work in
	prefix   string               // real API: tfacc-<run id>-, the start of every name
	written  map[string]string    // real API: configurations as the test wrote them

	mu         sync.Mutex
	violations []string // contract violations seen by the simulator
}

const (
	testClientID     = "acc-client-id"
	testClientSecret = "acc-client-secret-0123456789"
)

func realAPI() bool {
	return os.Getenv(EnvClientID) != "" && os.Getenv(EnvClientSecret) != ""
}

var (
	specOnce    sync.Once
	specChecker *contract.Checker
	specErr     error
)

func loadContract() (*contract.Checker, error) {
	specOnce.Do(func() { specChecker, specErr = contract.Load() })
	return specChecker, specErr
}

// newTestEnv starts a simulator (or points at the real API) for one test.
func newTestEnv(t *testing.T, opts ...func(*simulator.Options)) *testEnv {
	t.Helper()
	env := &testEnv{t: t}
	if realAPI() {
		env.realEnv()
		return env
	}

	checker, err := loadContract()
	if err != nil && !errors.Is(err, contract.ErrSpecNotFound) {
		t.Fatalf("loading the OpenAPI spec: %v", err)
	}
	o := simulator.Options{ClientID: testClientID, ClientSecret: testClientSecret}
	if checker != nil {
		// Every request the provider sends and every answer it gets is
		// checked against the vendor's spec.
		o.OnExchange = func(e simulator.Exchange) {
			for _, v := range checker.Check(e) {
				env.mu.Lock()
				env.violations = append(env.violations, fmt.Sprintf("%s %s: %v", e.Method, e.Path, v))
				env.mu.Unlock()
			}
		}
	} else {
		t.Log("contract checks skipped: ../shared/provisioning-openapi.json not found (set CLPROVISIONING_OPENAPI_SPEC)")
	}
	for _, f := range opts {
		f(&o)
	}
	env.sim = simulator.New(o)
	srv := httptest.NewServer(env.sim)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		env.mu.Lock()
		defer env.mu.Unlock()
		for _, v := range env.violations {
			t.Errorf("contract violation: %s", v)
		}
	})
	c, err := provisioning.New(provisioning.Config{
		ClientID: testClientID, ClientSecret: testClientSecret, APIURL: srv.URL, AuthURL: srv.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	env.client = c
	env.provider = fmt.Sprintf(`provider "clprovisioning" {
  client_id     = %q
  client_secret = %q
  api_url       = %q
  auth_url      = %q
}
`, testClientID, testClientSecret, srv.URL, srv.URL)
	return env
}

// config prepends the provider block to a configuration; against the real
// API it also names everything with the run prefix and uses the test
// organization instead of creating one (realConfig).
func (e *testEnv) config(hcl string, args ...any) string {
	if e.sim == nil {
		return e.realConfig(fmt.Sprintf(hcl, args...))
	}
	return e.provider + fmt.Sprintf(hcl, args...)
}

func (e *testEnv) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"clprovisioning": providerserver.NewProtocol6WithError(New("test")()),
	}
}

// test runs a terraform-plugin-testing case in this environment.
func (e *testEnv) test(c resource.TestCase) {
	e.t.Helper()
	factories := e.factories()
	maps.Copy(factories, c.ProtoV6ProviderFactories) // providers a test brings along (echo)
	c.ProtoV6ProviderFactories = factories
	if e.sim == nil {
		// One at a time: the tests share the organization.
		resource.Test(e.t, e.realCase(c))
		return
	}
	// Each step's requests are its own: the log is emptied after the step's
	// PreConfig (what a test changes behind Terraform's back is not counted).
	c.Steps = slices.Clone(c.Steps)
	for i := range c.Steps {
		pre := c.Steps[i].PreConfig
		c.Steps[i].PreConfig = func() {
			if pre != nil {
				pre()
			}
			e.sim.ResetRequests()
		}
	}
	resource.ParallelTest(e.t, c)
}

// needSim skips a test that needs the simulator: its hooks (faults, request
// log) or what cannot be done against the real API, said in why.
func (e *testEnv) needSim(why ...string) {
	e.t.Helper()
	if e.sim == nil {
		if len(why) > 0 {
			e.t.Skip("not run against the real API: " + strings.Join(why, "; "))
		}
		e.t.Skip("not run against the real API: needs the simulator's test hooks (faults, request log, options)")
	}
}

// withoutSim is a step's SkipFunc for steps that only the simulator can run
// (deleting objects the real API cannot delete, moving an object to a
// second organization: real-API tests have one).
func (e *testEnv) withoutSim() (bool, error) { return e.sim == nil, nil }

// resetLog starts a fresh request count, for tests that run the CLI
// themselves (test does it before every step).
func (e *testEnv) resetLog() {
	if e.sim != nil {
		e.sim.ResetRequests()
	}
}

// requests checks the requests sent since the log was last emptied (by
// test, before every step): for each pattern "METHOD /path", how many
// requests of that method ("*": any) have a path that matches, "*" in the
// path standing for any characters, "/" included. So "GET /api/roles/*" is
// any read under /api/roles/, "POST /api/memberships" one create, and
// "POST /api/memberships/*/resend" a resend. Skipped on the real API.
func (e *testEnv) requests(want map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.sim == nil {
			return nil
		}
		log := e.sim.Requests()
		var wrong []string
		for _, pattern := range slices.Sorted(maps.Keys(want)) {
			method, path, ok := strings.Cut(pattern, " ")
			if !ok {
				return fmt.Errorf("request pattern %q is not \"METHOD /path\"", pattern)
			}
			re := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(path), `\*`, ".*") + "$")
			got := 0
			for _, r := range log {
				if (method == "*" || method == r.Method) && re.MatchString(r.Path) {
					got++
				}
			}
			if got != want[pattern] {
				wrong = append(wrong, fmt.Sprintf("%s: %d requests, want %d", pattern, got, want[pattern]))
			}
		}
		if len(wrong) > 0 {
			return fmt.Errorf("%s; log:\n%s", strings.Join(wrong, "; "), e.requestLog())
		}
		return nil
	}
}

// calls is requests for one method and the paths under a prefix.
func (e *testEnv) calls(method, prefix string, want int) resource.TestCheckFunc {
	return e.requests(map[string]int{method + " " + prefix + "*": want})
}

// apiCalls lists the logged requests other than for tokens, as
// "METHOD /path".
func (e *testEnv) apiCalls() []string {
	var out []string
	for _, r := range e.sim.Requests() {
		if r.Path != "/oauth/token" {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

func (e *testEnv) requestLog() string {
	var b strings.Builder
	for _, r := range e.sim.Requests() {
		fmt.Fprintf(&b, "  %s %s?%s -> %d\n", r.Method, r.Path, r.Query, r.Status)
	}
	return b.String()
}

// change modifies an object behind Terraform's back: in the simulator's
// store (as the Dashboard would), or through the API on the real service.
func (e *testEnv) change(typ, id string, attrs map[string]any) {
	e.t.Helper()
	if e.sim != nil {
		if err := e.sim.SetAttributes(typ, id, attrs); err != nil {
			e.t.Fatalf("changing %s %s: %v", typ, id, err)
		}
		return
	}
	if _, err := e.client.Update(context.Background(), &jsonapi.Resource{Type: typ, ID: id, Attributes: attrs}); err != nil {
		e.t.Fatalf("changing %s %s: %v", typ, id, err)
	}
}

// remove deletes an object behind Terraform's back. Objects the real API
// cannot delete are only removable in the simulator.
func (e *testEnv) remove(typ, id string) {
	e.t.Helper()
	if e.sim != nil {
		if err := e.sim.Remove(typ, id); err != nil {
			e.t.Fatalf("removing %s %s: %v", typ, id, err)
		}
		return
	}
	if err := e.client.Delete(context.Background(), typ, id); err != nil {
		e.t.Fatalf("removing %s %s: %v", typ, id, err)
	}
}

// object reads an object as the API holds it now.
func (e *testEnv) object(typ, id string) *jsonapi.Resource {
	e.t.Helper()
	if e.sim != nil {
		r, ok := e.sim.Object(typ, id)
		if !ok {
			return nil
		}
		return r
	}
	r, err := e.client.Get(context.Background(), typ, id, realIncludes[typ]...)
	if provisioning.IsNotFound(err) {
		return nil
	}
	if err != nil {
		e.t.Fatalf("reading %s %s: %v", typ, id, err)
	}
	return r
}

// capture returns a check storing an attribute of a resource in *into.
func capture(addr, attr string, into *string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(addr, attr, func(v string) error {
		*into = v
		return nil
	})
}

// remote checks an attribute of the object as the API holds it.
func (e *testEnv) remote(typ string, id *string, attr string, want any) resource.TestCheckFunc {
	return func(*terraform.State) error {
		obj := e.object(typ, *id)
		if obj == nil {
			return fmt.Errorf("%s %s not found", typ, *id)
		}
		got, _ := obj.Attr(attr)
		if s, ok := got.(string); ok {
			got = e.unprefixed(s)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || (want == nil) != (got == nil) {
			return fmt.Errorf("%s %s: remote %s = %#v, want %#v", typ, *id, attr, got, want)
		}
		return nil
	}
}

// remoteRel checks the id a to-one relationship of a remote object points
// to ("" = none).
func (e *testEnv) remoteRel(typ string, id *string, rel, want string) resource.TestCheckFunc {
	return e.remoteRelTo(typ, id, rel, &want)
}

// remoteRelTo is remoteRel with the wanted id read when the check runs (an
// id captured earlier in the same step).
func (e *testEnv) remoteRelTo(typ string, id *string, rel string, want *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		obj := e.object(typ, *id)
		if obj == nil {
			return fmt.Errorf("%s %s not found", typ, *id)
		}
		if got := obj.Rel(rel).ID(); got != *want {
			return fmt.Errorf("%s %s: remote %s = %q, want %q", typ, *id, rel, got, *want)
		}
		return nil
	}
}

// remoteFilters checks an application membership's filters as the API
// holds them, in JSON.
func (e *testEnv) remoteFilters(id *string, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		obj := e.object("application_memberships", *id)
		if obj == nil {
			return fmt.Errorf("application membership %s not found", *id)
		}
		got, _ := obj.Attr("filters")
		b, _ := json.Marshal(got)
		if string(b) != want {
			return fmt.Errorf("application membership %s: remote filters = %s, want %s", *id, b, want)
		}
		return nil
	}
}

// deleted checks that the object *id names no longer exists remotely
// (nothing to check before it was created).
func (e *testEnv) deleted(typ string, id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if *id == "" {
			return nil
		}
		if e.object(typ, *id) != nil {
			return fmt.Errorf("%s %s still exists", typ, *id)
		}
		return nil
	}
}

// gone is a CheckDestroy: no object of the type is left whose attribute has
// one of the values.
func (e *testEnv) gone(typ, attr string, values ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		all, err := e.client.List(context.Background(), typ, provisioning.Query{})
		if err != nil {
			return err
		}
		for _, r := range all {
			v, _ := r.Attr(attr)
			for _, want := range values {
				if fmt.Sprint(v) == e.name(want) {
					return fmt.Errorf("%s %s (%s = %s) still exists after destroy", typ, r.ID, attr, want)
				}
			}
		}
		return nil
	}
}

// requestSummary counts the simulator's requests by method, e.g. "GET 12, POST 30".
func (e *testEnv) requestSummary() string {
	counts := map[string]int{}
	for _, r := range e.sim.Requests() {
		counts[r.Method]++
	}
	var parts []string
	for _, m := range []string{"GET", "POST", "PATCH", "DELETE"} {
		if counts[m] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", m, counts[m]))
		}
	}
	return strings.Join(parts, ", ")
}
