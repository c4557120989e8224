package provider

// Real-API mode (make test-real): the acceptance tests against a real
// account, leaving nothing behind.
//
// It needs credentials (CLPROVISIONING_CLIENT_ID / _SECRET, optionally
// CLPROVISIONING_API_URL / _AUTH_URL) and one existing organization,
// CLPROVISIONING_TEST_ORGANIZATION_ID. Organizations cannot be deleted, so
// the tests create none: every `resource "clprovisioning_organization"` of a
// test configuration becomes that organization, imported and never changed
// (lifecycle { ignore_changes = all }; destroying it only forgets it). Every
// object a test creates carries the run's prefix, tfacc-<run id>-, in its
// name or email, so that the sweepers (sweeper_test.go) find what a killed
// run left. Tests run one at a time (they share the organization), and the
// provider reaches the API through a loopback guard that refuses what a test
// must never do there: create or change an organization, transfer its
// ownership, write roles or permissions (the API cannot delete them), or
// change the signed-in user.
//
// The tests themselves are written once, for the simulator: env.config
// rewrites their configurations as above, and env.test lets their checks
// compare names and emails without the run prefix.

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

const (
	// envTestOrganizationID names the organization real-API tests work in.
	envTestOrganizationID = "CLPROVISIONING_TEST_ORGANIZATION_ID"
	// envTestRunID fixes the run id (default: random); lower-case letters
	// and digits.
	envTestRunID = "CLPROVISIONING_TEST_RUN_ID"
	// testNamePrefix starts the name (or email) of everything a real-API
	// run creates; the sweepers remove what carries it.
	testNamePrefix = "tfacc-"
)

var (
	runIDOnce  sync.Once
	runIDValue string
	runIDErr   error
	runIDRe    = regexp.MustCompile(`^[a-z0-9]{1,16}$`)
)

// runPrefix is "tfacc-<run id>-": what this process's names start with
// against the real API.
func runPrefix() (string, error) {
	runIDOnce.Do(func() {
		id := os.Getenv(envTestRunID)
		if id == "" {
			const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			for i := range b {
				b[i] = letters[int(b[i])%len(letters)]
			}
			id = string(b)
		}
		if !runIDRe.MatchString(id) {
			runIDErr = fmt.Errorf("%s=%q: use 1 to 16 lower-case letters and digits", envTestRunID, id)
			return
		}
		runIDValue = testNamePrefix + id + "-"
	})
	return runIDValue, runIDErr
}

// realEnv finishes newTestEnv against the real API.
func (e *testEnv) realEnv() {
	t := e.t
	t.Helper()
	prefix, err := runPrefix()
	if err != nil {
		t.Fatal(err)
	}
	org := os.Getenv(envTestOrganizationID)
	if org == "" {
		t.Fatalf("against the real API the tests need an existing organization to work in: set %s "+
			"(they create no organization: the API cannot delete one)", envTestOrganizationID)
	}
	e.org, e.prefix = org, prefix
	guard := realGuard(t, os.Getenv(EnvAPIURL), os.Getenv(EnvAuthURL))
	c, err := provisioning.New(provisioning.Config{
		ClientID: os.Getenv(EnvClientID), ClientSecret: os.Getenv(EnvClientSecret),
		APIURL: guard, AuthURL: guard,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	// Credentials come from the environment, URLs from the guard.
	e.provider = fmt.Sprintf("provider \"clprovisioning\" {\n  api_url  = %q\n  auth_url = %q\n}\n", guard, guard)
}

// name is a name or email as a test writes it, as the API holds it.
func (e *testEnv) name(s string) string { return e.prefix + s }

// unprefixed is a value the API holds, as a test writes it.
func (e *testEnv) unprefixed(s string) string {
	if e.prefix == "" {
		return s
	}
	return strings.ReplaceAll(s, e.prefix, "")
}

// realGuard starts a loopback proxy to the API and its auth server that
// refuses, with a 403 naming the reason, every request a real-API test must
// never send. The provider and the test's own client both go through it.
func realGuard(t *testing.T, apiURL, authURL string) string {
	t.Helper()
	target := func(raw, def string) *url.URL {
		if raw == "" {
			raw = def
		}
		raw = strings.TrimSuffix(strings.TrimSuffix(raw, "/"), "/api")
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			t.Fatalf("API URL %q: %v", raw, err)
		}
		return u
	}
	api, auth := target(apiURL, provisioning.DefaultAPIURL), target(authURL, provisioning.DefaultAuthURL)
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		to := api
		if r.In.URL.Path == "/oauth/token" {
			to = auth
		}
		r.SetURL(to)
	}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if why := refusedAgainstRealAPI(r.Method, r.URL.Path); why != "" {
			w.Header().Set("Content-Type", "application/vnd.api+json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = fmt.Fprintf(w, `{"errors":[{"title":"Refused by the test harness","detail":%q,"code":"FORBIDDEN","status":"403"}]}`,
				"real-API tests never "+why+" (see internal/provider/realmode_test.go)")
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// refusedAgainstRealAPI says what a request would do that a real-API test
// must not ("" when it may go).
func refusedAgainstRealAPI(method, path string) string {
	path = strings.TrimSuffix(path, "/")
	parts := strings.Split(strings.TrimPrefix(path, "/api/"), "/")
	if !strings.HasPrefix(path, "/api/") || method == http.MethodGet {
		return ""
	}
	switch parts[0] {
	case "organizations":
		if len(parts) == 3 && parts[2] == "transfer_ownership" {
			return "transfer the ownership of an organization"
		}
		return "create or change an organization (the API cannot delete one)"
	case "roles", "permissions":
		return "create or change roles or permissions (the API cannot delete them)"
	case "user":
		return "change the signed-in user"
	}
	return ""
}

// realIncludes are the relationships env.object asks the API for, so that
// checks of a remote object's relationships see their ids (the simulator's
// store has them all).
var realIncludes = map[string][]string{
	"memberships":             {"organization", "role", "membership_profile"},
	"membership_profiles":     {"organization"},
	"api_credentials":         {"organization", "role"},
	"application_memberships": {"api_credential", "membership", "membership_profile", "organization", "role"},
}

// Configurations against the real API.

var (
	// orgBlockRe finds the organization resources a configuration declares.
	orgBlockRe = regexp.MustCompile(`(?m)^[ \t]*resource[ \t]+"clprovisioning_organization"[ \t]+"([^"]+)"[ \t]*\{`)
	// orgTypesRe finds blocks about organizations, whose names stay as written.
	orgTypesRe = regexp.MustCompile(`(?m)^[ \t]*(?:resource|data|list)[ \t]+"clprovisioning_organizations?"[ \t]+"[^"]+"[ \t]*\{`)
	// namedRe finds a non-empty string given to a name or an email.
	namedRe = regexp.MustCompile(`\b((?:name|user_email)[ \t]*=[ \t]*")([^"])`)
)

// realConfig is a test's configuration for the real API, with the provider
// block; it remembers the configuration as written (see realCase).
func (e *testEnv) realConfig(hcl string) string {
	out := e.provider + realConfig(hcl, e.org, e.prefix)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.written == nil {
		e.written = map[string]string{}
	}
	e.written[out] = e.provider + hcl
	return out
}

// realConfig rewrites a configuration for the real API: names and emails get
// the run prefix, organizations become the test organization, imported and
// left as they are.
func realConfig(hcl, org, prefix string) string {
	// Names, outside the blocks about organizations.
	var b strings.Builder
	rest := hcl
	for {
		loc := orgTypesRe.FindStringIndex(rest)
		if loc == nil {
			break
		}
		end := matchingBrace(rest, loc[1]-1)
		if end < 0 {
			break
		}
		b.WriteString(namedRe.ReplaceAllString(rest[:loc[0]], "${1}"+prefix+"${2}"))
		b.WriteString(rest[loc[0] : end+1])
		rest = rest[end+1:]
	}
	b.WriteString(namedRe.ReplaceAllString(rest, "${1}"+prefix+"${2}"))
	hcl = b.String()

	// Organization resources, from the last so that offsets hold.
	blocks := orgBlockRe.FindAllStringSubmatchIndex(hcl, -1)
	for i := len(blocks) - 1; i >= 0; i-- {
		m := blocks[i]
		open := m[1] - 1
		end := matchingBrace(hcl, open)
		if end < 0 {
			continue
		}
		name := hcl[m[2]:m[3]]
		hcl = hcl[:open+1] + "\n" + hcl[open+1:end] + `
  lifecycle {
    ignore_changes = all
  }
}

import {
  to = clprovisioning_organization.` + name + `
  id = "` + org + `"
}
` + hcl[end+1:]
	}
	return hcl
}

// matchingBrace is the index of the brace closing the one at open, skipping
// strings (with their interpolations), comments and heredocs; -1 if none.
func matchingBrace(s string, open int) int {
	type frame struct {
		str   bool
		depth int
	}
	stack := []frame{{}}
	for i := open; i < len(s); i++ {
		top := &stack[len(stack)-1]
		c := s[i]
		if top.str {
			switch {
			case c == '\\':
				i++
			case c == '"':
				stack = stack[:len(stack)-1]
			case (c == '$' || c == '%') && i+1 < len(s) && s[i+1] == c:
				i++ // $${ and %%{ are literal
			case (c == '$' || c == '%') && i+1 < len(s) && s[i+1] == '{':
				stack = append(stack, frame{depth: 1})
				i++
			}
			continue
		}
		switch {
		case c == '"':
			stack = append(stack, frame{str: true})
		case c == '#' || (c == '/' && i+1 < len(s) && s[i+1] == '/'):
			if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
				i += j
			} else {
				return -1
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return -1
			}
			i += j + 3
		case c == '<' && strings.HasPrefix(s[i:], "<<"):
			m := heredocRe.FindStringSubmatch(s[i:])
			if m == nil {
				i++
				continue
			}
			j := i + len(m[0])
			for {
				k := strings.IndexByte(s[j:], '\n')
				line := s[j:]
				if k >= 0 {
					line = s[j : j+k]
				}
				if strings.TrimSpace(line) == m[1] {
					i = j + len(line) - 1
					break
				}
				if k < 0 {
					return -1
				}
				j += k + 1
			}
		case c == '{':
			top.depth++
		case c == '}':
			top.depth--
			if top.depth == 0 {
				if len(stack) == 1 {
					return i
				}
				stack = stack[:len(stack)-1]
			}
		}
	}
	return -1
}

var heredocRe = regexp.MustCompile(`^<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n`)

// realCase adapts a test case to the real API: checks see names and emails
// as the test wrote them, and expected errors accept the prefix in quoted
// values; a skipped step does not run its PreConfig. A case of plans only
// creates nothing: it plans its configurations as written (a plan sends no
// write).
func (e *testEnv) realCase(c resource.TestCase) resource.TestCase {
	plansOnly := len(c.Steps) > 0
	for _, s := range c.Steps {
		plansOnly = plansOnly && s.PlanOnly
	}
	c.CheckDestroy = e.unprefixedCheck(c.CheckDestroy)
	steps := make([]resource.TestStep, len(c.Steps))
	for i, s := range c.Steps {
		if written, ok := e.written[s.Config]; ok && plansOnly {
			s.Config = written
		}
		if pre, skip := s.PreConfig, s.SkipFunc; pre != nil && skip != nil {
			// terraform-plugin-testing calls PreConfig before SkipFunc: a
			// skipped step's PreConfig may be what the real API cannot do.
			s.PreConfig = func() {
				if skipped, err := skip(); err != nil || !skipped {
					pre()
				}
			}
		}
		s.Check = e.unprefixedCheck(s.Check)
		if s.ExpectError != nil {
			s.ExpectError = prefixTolerant(s.ExpectError)
		}
		steps[i] = s
	}
	c.Steps = steps
	return c
}

// unprefixedCheck runs a check on a copy of the state whose values have the
// run prefix taken out.
func (e *testEnv) unprefixedCheck(check resource.TestCheckFunc) resource.TestCheckFunc {
	if check == nil {
		return nil
	}
	return func(s *terraform.State) error {
		if s == nil {
			return check(s)
		}
		// A copy of what is rewritten (State.DeepCopy is not for use outside
		// terraform-plugin-testing); the rest is shared, read only.
		unprefixedInstance := func(is *terraform.InstanceState) *terraform.InstanceState {
			if is == nil {
				return nil
			}
			cp := &terraform.InstanceState{ID: is.ID, Attributes: make(map[string]string, len(is.Attributes)),
				Ephemeral: is.Ephemeral, Meta: is.Meta, ProviderMeta: is.ProviderMeta, RawConfig: is.RawConfig,
				RawState: is.RawState, RawPlan: is.RawPlan, Tainted: is.Tainted}
			for k, v := range is.Attributes {
				cp.Attributes[k] = e.unprefixed(v)
			}
			return cp
		}
		c := &terraform.State{Version: s.Version, TFVersion: s.TFVersion, Serial: s.Serial, Lineage: s.Lineage,
			Modules: make([]*terraform.ModuleState, len(s.Modules)),
		}
		for i, m := range s.Modules {
			mc := &terraform.ModuleState{Path: m.Path, Locals: m.Locals, Dependencies: m.Dependencies,
				Resources: make(map[string]*terraform.ResourceState, len(m.Resources))}
			for k, r := range m.Resources {
				rc := &terraform.ResourceState{Type: r.Type, Dependencies: r.Dependencies, Provider: r.Provider,
					Primary: unprefixedInstance(r.Primary)}
				rc.Deposed = make([]*terraform.InstanceState, len(r.Deposed))
				for j, d := range r.Deposed {
					rc.Deposed[j] = unprefixedInstance(d)
				}
				mc.Resources[k] = rc
			}
			mc.Outputs = make(map[string]*terraform.OutputState, len(m.Outputs))
			for k, o := range m.Outputs {
				oc := &terraform.OutputState{Sensitive: o.Sensitive, Type: o.Type, Value: o.Value}
				if v, ok := o.Value.(string); ok {
					oc.Value = e.unprefixed(v)
				}
				mc.Outputs[k] = oc
			}
			c.Modules[i] = mc
		}
		return check(c)
	}
}

// prefixTolerant lets an expected error's quoted values carry the run
// prefix: after each `"` outside a character class comes an optional
// tfacc-<id>-.
func prefixTolerant(re *regexp.Regexp) *regexp.Regexp {
	const opt = `(?:` + testNamePrefix + `[a-z0-9]+-)?`
	src := re.String()
	var b strings.Builder
	inClass := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		b.WriteByte(c)
		switch {
		case c == '\\' && i+1 < len(src):
			i++
			b.WriteByte(src[i])
		case c == '[' && !inClass:
			inClass = true
		case c == ']' && inClass:
			inClass = false
		case c == '"' && !inClass:
			b.WriteString(opt)
		}
	}
	out, err := regexp.Compile(b.String())
	if err != nil {
		return re
	}
	return out
}

// The rewrite for the real API: names and emails prefixed (templates too,
// empty strings not), organizations imported and never changed, blocks
// about organizations left as written.
func TestRealConfig(t *testing.T) {
	in := `
resource "clprovisioning_organization" "org" { name = "Org {one}" }
resource "clprovisioning_organization" "two" {
  name     = "Org two"
  metadata = { note = "a } in a string, ${"and"} one in an ${upper("interpolation}")}" }
  # a comment with a } brace
}
data "clprovisioning_organization" "by_name" { name = "Org two" }
resource "clprovisioning_membership" "people" {
  count           = 2
  organization_id = clprovisioning_organization.org.id
  user_email      = "${["a", "b"][count.index]}@example.com"
}
resource "clprovisioning_membership_profile" "p" {
  organization_id = clprovisioning_organization.two.id
  name            = "Support"
}
data "clprovisioning_api_credentials" "none" { name = "" }
data "clprovisioning_membership" "by_email" { user_email_contains = "@example.com" }
`
	want := `
resource "clprovisioning_organization" "org" {
 name = "Org {one}" 
  lifecycle {
    ignore_changes = all
  }
}

import {
  to = clprovisioning_organization.org
  id = "orgid"
}

resource "clprovisioning_organization" "two" {

  name     = "Org two"
  metadata = { note = "a } in a string, ${"and"} one in an ${upper("interpolation}")}" }
  # a comment with a } brace

  lifecycle {
    ignore_changes = all
  }
}

import {
  to = clprovisioning_organization.two
  id = "orgid"
}

data "clprovisioning_organization" "by_name" { name = "Org two" }
resource "clprovisioning_membership" "people" {
  count           = 2
  organization_id = clprovisioning_organization.org.id
  user_email      = "tfacc-run-${["a", "b"][count.index]}@example.com"
}
resource "clprovisioning_membership_profile" "p" {
  organization_id = clprovisioning_organization.two.id
  name            = "tfacc-run-Support"
}
data "clprovisioning_api_credentials" "none" { name = "" }
data "clprovisioning_membership" "by_email" { user_email_contains = "@example.com" }
`
	if got := realConfig(in, "orgid", "tfacc-run-"); got != want {
		t.Errorf("realConfig:\n%s\nwant:\n%s", got, want)
	}
	re := prefixTolerant(regexp.MustCompile(`name\s+=\s+"No\s+such\s+app"[^"]*`))
	for _, s := range []string{`name = "No such app"`, `name = "tfacc-ab12-No such app"`} {
		if !re.MatchString(s) {
			t.Errorf("%s does not match %s", re, s)
		}
	}
}
