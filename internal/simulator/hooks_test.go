package simulator_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

func TestRequestLog(t *testing.T) {
	var buf syncBuffer
	h := newHarness(t, func(o *simulator.Options) { o.RequestsLog = &buf })
	org := h.org("Log")
	h.do(http.MethodGet, "/api/organizations/"+org+"?include=roles", nil)
	h.do(http.MethodGet, "/api/roles", nil)

	tests := []struct {
		method, prefix string
		want           int
	}{
		{"", "/", 4},
		{"", "/oauth/token", 1},
		{"GET", "/api/", 2},
		{"get", "/api/organizations", 1},
		{"POST", "/api/organizations", 1},
		{"DELETE", "/api/", 0},
	}
	for _, tt := range tests {
		if got := h.sim.CountRequests(tt.method, tt.prefix); got != tt.want {
			t.Errorf("CountRequests(%q, %q) = %d, want %d", tt.method, tt.prefix, got, tt.want)
		}
	}
	reqs := h.sim.Requests()
	if r := reqs[2]; r.Method != http.MethodGet || r.Path != "/api/organizations/"+org || r.Query != "include=roles" || r.Status != 200 || r.Time.IsZero() {
		t.Errorf("logged request %+v", r)
	}

	lines := 0
	sc := bufio.NewScanner(bytes.NewReader(buf.Bytes()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("requests log line %q: %v", sc.Text(), err)
		}
		for _, k := range []string{"method", "path", "query", "status", "time", "duration_ms"} {
			if _, ok := line[k]; !ok {
				t.Errorf("requests log line %s lacks %s", sc.Text(), k)
			}
		}
		lines++
	}
	if lines != 4 {
		t.Errorf("%d log lines, want 4", lines)
	}

	h.sim.ResetRequests()
	if n := len(h.sim.Requests()); n != 0 {
		t.Errorf("%d requests after ResetRequests", n)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

func TestObjectHooks(t *testing.T) {
	h := newHarness(t)
	org := h.org("Hooks")
	role := h.customRole(org, "Custom")
	perm := h.createOK("permissions", create("permissions",
		attrs{"subject": "orders", "can_create": true, "can_read": true, "can_update": true, "can_destroy": true},
		map[string]any{"role": rel("roles", role)})).ID
	cred := h.credential(org, "integration", h.roleOf(org, "admin")).ID

	r, ok := h.sim.Object("roles", role)
	if !ok || r.Type != "roles" || r.String("name") != "Custom" || r.Rel("organization").ID() != org || len(r.Rel("permissions").IDs()) != 1 {
		t.Errorf("Object(roles) = %+v, %v", r, ok)
	}
	if _, ok := h.sim.Object("roles", "nope"); ok {
		t.Error("Object of a missing role")
	}
	if u, ok := h.sim.Object("users", ""); !ok || u.String("email") == "" {
		t.Errorf("Object(users) = %+v", u)
	}

	// SetAttributes: what a GET then shows; numbers are stored as the API's.
	if err := h.sim.SetAttributes("api_credentials", cred, map[string]any{"name": "Renamed", "expires_in": 9000}); err != nil {
		t.Fatal(err)
	}
	got := h.do(http.MethodGet, "/api/api_credentials/"+cred, nil).must(t, 200).one(t)
	if got.String("name") != "Renamed" || got.Attributes["expires_in"] != jsonNumber(9000) {
		t.Errorf("after SetAttributes: %+v", got.Attributes)
	}
	for _, bad := range []struct{ typ, id, attr string }{
		{"roles", role, "nope"}, {"roles", "nope", "name"}, {"things", "x", "name"}, {"roles", role, "_add_missing_base_permissions"},
	} {
		if err := h.sim.SetAttributes(bad.typ, bad.id, map[string]any{bad.attr: "x"}); err == nil {
			t.Errorf("SetAttributes(%s %s %s) succeeded", bad.typ, bad.id, bad.attr)
		}
	}

	// SetRelationship.
	if err := h.sim.SetRelationship("api_credentials", cred, "role", h.roleOf(org, "read_only")); err != nil {
		t.Fatal(err)
	}
	if r, _ := h.sim.Object("api_credentials", cred); r.Rel("role").ID() != h.roleOf(org, "read_only") {
		t.Errorf("role after SetRelationship: %+v", r.Rel("role"))
	}
	if err := h.sim.SetRelationship("api_credentials", cred, "role", ""); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ typ, id, rel, target string }{
		{"roles", role, "permissions", perm}, {"api_credentials", cred, "role", "nope"}, {"api_credentials", cred, "nope", ""},
	} {
		if err := h.sim.SetRelationship(bad.typ, bad.id, bad.rel, bad.target); err == nil {
			t.Errorf("SetRelationship(%v) succeeded", bad)
		}
	}

	// Remove: types the API cannot delete too, with their dependants.
	if err := h.sim.Remove("roles", role); err != nil {
		t.Fatal(err)
	}
	h.do(http.MethodGet, "/api/roles/"+role, nil).must(t, 404)
	h.do(http.MethodGet, "/api/permissions/"+perm, nil).must(t, 404)
	if err := h.sim.Remove("organizations", org); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"organizations", "api_credentials"} {
		if n := len(h.do(http.MethodGet, "/api/"+typ, nil).must(t, 200).many(t)); n != 0 {
			t.Errorf("%d %s left after removing the organization", n, typ)
		}
	}
	if _, ok := h.sim.Object("api_credentials", cred); ok {
		t.Error("the organization's credential survived it")
	}
	if err := h.sim.Remove("users", ""); err == nil {
		t.Error("removing the user succeeded")
	}
	if err := h.sim.Remove("roles", role); err == nil {
		t.Error("removing a missing role succeeded")
	}
}
