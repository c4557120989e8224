package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
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
	c.ProtoV6ProviderFactories = e.factories()
	if e.sim == nil {
		// One at a time: the tests share the organization.
		resource.Test(e.t, e.realCase(c))
		return
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

// resetLog starts a fresh request count (a step's PreConfig).
func (e *testEnv) resetLog() {
	if e.sim != nil {
		e.sim.ResetRequests()
	}
}

// calls returns a check that the step made exactly want requests of the
// method to paths under prefix (e.g. "/api/roles"). Skipped on the real API.
func (e *testEnv) calls(method, prefix string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.sim == nil {
			return nil
		}
		if got := e.sim.CountRequests(method, prefix); got != want {
			return fmt.Errorf("%s %s*: %d requests, want %d; log:\n%s", method, prefix, got, want, e.requestLog())
		}
		return nil
	}
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

// callsTo checks the number of requests of the method whose path starts
// with prefix and ends with suffix (e.g. "/api/memberships/", "/resend").
func (e *testEnv) callsTo(method, prefix, suffix string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.sim == nil {
			return nil
		}
		got := 0
		for _, r := range e.sim.Requests() {
			if r.Method == method && strings.HasPrefix(r.Path, prefix) && strings.HasSuffix(r.Path, suffix) {
				got++
			}
		}
		if got != want {
			return fmt.Errorf("%s %s*%s: %d requests, want %d; log:\n%s", method, prefix, suffix, got, want, e.requestLog())
		}
		return nil
	}
}

// remoteRel checks the id a to-one relationship of a remote object points
// to ("" = none).
func (e *testEnv) remoteRel(typ string, id *string, rel, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		obj := e.object(typ, *id)
		if obj == nil {
			return fmt.Errorf("%s %s not found", typ, *id)
		}
		if got := obj.Rel(rel).ID(); got != want {
			return fmt.Errorf("%s %s: remote %s = %q, want %q", typ, *id, rel, got, want)
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
