package contract

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

func loadOrSkip(t *testing.T) *Checker {
	t.Helper()
	c, err := Load()
	if errors.Is(err, ErrSpecNotFound) {
		t.Skip("contract tests skipped: ../shared/provisioning-openapi.json not found (set " + EnvSpec + ")")
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const role = `{"data":{"id":"r1","type":"roles","links":{"self":"http://x/api/roles/r1"},
 "attributes":{"name":"A","kind":"custom","created_at":"2025-01-01T00:00:00.000Z","updated_at":"2025-01-01T00:00:00.000Z","reference":null,"reference_origin":null,"metadata":null},
 "relationships":{"organization":{"links":{"self":"s","related":"r"},"data":{"type":"organizations","id":"o1"}},
  "permissions":{"links":{"self":"s","related":"r"},"data":[{"type":"permissions","id":"p1"}]}}}}`

func exchange(method, path, query, reqBody string, status int, respBody string) simulator.Exchange {
	reqHeader := http.Header{"Authorization": {"Bearer t"}, "Accept": {"application/vnd.api+json"}}
	if reqBody != "" {
		reqHeader.Set("Content-Type", "application/vnd.api+json")
	}
	respHeader := http.Header{}
	if respBody != "" {
		respHeader.Set("Content-Type", "application/vnd.api+json")
	}
	return simulator.Exchange{
		Method: method, Path: path, RawQuery: query, RequestHeader: reqHeader, RequestBody: []byte(reqBody),
		Status: status, ResponseHeader: respHeader, ResponseBody: []byte(respBody),
	}
}

func TestCheck(t *testing.T) {
	c := loadOrSkip(t)
	errDoc := func(status string) string {
		return `{"errors":[{"title":"t","detail":"d","code":"C","status":"` + status + `"}]}`
	}
	tests := []struct {
		name string
		e    simulator.Exchange
		want string // a substring of the violations; "" = none
	}{
		{"valid role", exchange("GET", "/api/roles/r1", "include=organization,permissions", "", 200, role), ""},
		{"singular relationship type is the spec's defect", exchange("GET", "/api/roles/r1", "", "", 200,
			strings.Replace(role, `"type":"organizations"`, `"type":"organization"`, 1)), "organization"},
		{"wrong attribute type", exchange("GET", "/api/roles/r1", "", "", 200, strings.Replace(role, `"name":"A"`, `"name":1`, 1)), "name"},
		{"writable attribute not nullable", exchange("GET", "/api/roles/r1", "", "", 200, strings.Replace(role, `"name":"A"`, `"name":null`, 1)), "name"},
		{"undocumented status", exchange("GET", "/api/roles/r1", "", "", 201, role), "status"},
		{"missing id", exchange("GET", "/api/roles/r1", "", "", 200, strings.Replace(role, `"id":"r1",`, ``, 1)), "lacks id"},
		{"bad request accepted", exchange("POST", "/api/roles", "", `{"data":{"type":"roles","attributes":{}}}`, 201, role), "does not allow"},
		{"bad request refused", exchange("POST", "/api/roles", "", `{"data":{"type":"roles","attributes":{}}}`, 422,
			`{"errors":[{"title":"t","code":"VALIDATION_ERROR","status":"422","source":{"pointer":"/data/attributes/name"}}]}`), ""},
		{"422 without pointer", exchange("POST", "/api/roles", "", `{"data":{"type":"roles","attributes":{}}}`, 422, errDoc("422")), "pointer"},
		{"numeric error status", exchange("GET", "/api/roles/x", "", "", 404, `{"errors":[{"title":"t","code":"C","status":404}]}`), "status"},
		{"405 for a documented operation", exchange("GET", "/api/roles", "", "", 405, errDoc("405")), "405"},
		{"405 for DELETE on roles", exchange("DELETE", "/api/roles/r1", "", "", 405, errDoc("405")), ""},
		{"page size over 25 accepted", exchange("GET", "/api/roles", "page[size]=26", "", 200, `{"data":[]}`), "page[size]"},
		{"unknown parameter accepted", exchange("GET", "/api/roles", "per_page=5", "", 200, `{"data":[]}`), "per_page"},
		{"filters and sort", exchange("GET", "/api/roles", "filter[q][name_or_kind_cont]=a&sort=-created_at&page[number]=2", "", 200, `{"data":[]}`), ""},
		{"no bearer token but success", simulator.Exchange{Method: "GET", Path: "/api/user", Status: 200, RequestHeader: http.Header{},
			ResponseHeader: http.Header{"Content-Type": {"application/vnd.api+json"}}, ResponseBody: []byte(`{"data":null}`)}, "does not allow"},
		{"empty resend", exchange("POST", "/api/memberships/m1/resend", "", "", 202, ""), ""},
		{"token endpoint skipped", exchange("POST", "/oauth/token", "", "x", 200, "{}"), ""},
		{"revoke endpoint skipped", exchange("POST", "/oauth/revoke", "", "x", 200, "{}"), ""},
		{"key set skipped", exchange("GET", "/.well-known/jwks.json", "", "", 200, `{"keys":[]}`), ""},
		{"other paths outside /api/ checked", exchange("GET", "/oauthx", "", "", 200, "{}"), "not under /api/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := c.Check(tt.e)
			var all []string
			for _, err := range errs {
				all = append(all, err.Error())
			}
			joined := strings.Join(all, "\n")
			switch {
			case tt.want == "" && len(errs) > 0:
				t.Errorf("unexpected violations:\n%s", joined)
			case tt.want != "" && !strings.Contains(joined, tt.want):
				t.Errorf("violations %q do not mention %q", joined, tt.want)
			}
		})
	}
}

func TestCheckConcurrent(t *testing.T) {
	c := loadOrSkip(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if errs := c.Check(exchange("GET", "/api/roles/r1", "", "", 200, role)); len(errs) > 0 {
				t.Error(errs)
			}
		})
	}
	wg.Wait()
}

func TestLoad(t *testing.T) {
	t.Run("missing file named by the environment", func(t *testing.T) {
		t.Setenv(EnvSpec, filepath.Join(t.TempDir(), "none.json"))
		if _, err := Load(); err == nil || errors.Is(err, ErrSpecNotFound) {
			t.Errorf("err = %v, want a load error", err)
		}
	})
	t.Run("no shared directory", func(t *testing.T) {
		t.Setenv(EnvSpec, "")
		t.Chdir(t.TempDir())
		if found, err := findSpec(); err == nil {
			// A checkout under the temp directory (its ../shared beside an
			// ancestor of every temp dir) leaves no place without the spec.
			t.Skipf("the temp directory has %s beside an ancestor: no directory here lacks the spec", found)
		}
		if _, err := Load(); !errors.Is(err, ErrSpecNotFound) {
			t.Errorf("err = %v, want ErrSpecNotFound", err)
		}
	})
	t.Run("shared beside an ancestor", func(t *testing.T) {
		spec := os.Getenv(EnvSpec) // the real spec, copied into a fake tree
		if spec == "" {
			var err error
			if spec, err = findSpec(); err != nil {
				t.Skip("no spec to copy: ../shared/provisioning-openapi.json not found")
			}
		}
		b, err := os.ReadFile(spec)
		if err != nil {
			t.Fatal(err)
		}
		root := t.TempDir()
		deep := filepath.Join(root, "repo", "a", "b")
		if err := os.MkdirAll(deep, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(root, "shared"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "shared", specName), b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Setenv(EnvSpec, "")
		t.Chdir(deep)
		if _, err := Load(); err != nil {
			t.Errorf("Load from %s: %v", deep, err)
		}
	})
}
