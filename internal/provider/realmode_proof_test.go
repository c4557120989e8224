//go:build unix

package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// make test-real's promise, kept against the simulator run alone as if it
// were the API (its own process, no hook of this one): in an organization
// made beforehand, with objects of its own, two real-API runs at once are
// killed (SIGKILL, no destroy) as soon as they have created what they
// create: pending invitations, profiles, credentials, application
// memberships, an identity provider. The sweep removes what they left, and
// the organization is then exactly as it was: same objects, same attributes.
func TestRealModeLeavesNothingBehind(t *testing.T) {
	if realAPI() {
		t.Skip("proves the real-API mode against the simulator; this run is against the real API")
	}
	if os.Getenv("TF_ACC") == "" || os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Skip("needs TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make test sets both)")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()
	const id, secret = "proof-client", "proof-secret-0123456789"
	api, requests := startSimulatorProcess(ctx, t, dir, id, secret)

	c, err := provisioning.New(provisioning.Config{ClientID: id, ClientSecret: secret, APIURL: api, AuthURL: api})
	if err != nil {
		t.Fatal(err)
	}
	create := func(typ string, attrs map[string]any, rels map[string]jsonapi.Relationship) *jsonapi.Resource {
		t.Helper()
		r, err := c.Create(ctx, &jsonapi.Resource{Type: typ, Attributes: attrs, Relationships: rels})
		if err != nil {
			t.Fatalf("creating %s: %v", typ, err)
		}
		return r
	}
	org := create("organizations", map[string]any{"name": "Sweep Proof Org"}, nil).ID
	inOrg := map[string]jsonapi.Relationship{"organization": jsonapi.ToOne("organizations", org)}
	roles, err := c.List(ctx, "roles", provisioning.Query{Filters: map[string]string{"organization_id_eq": org}})
	if err != nil || len(roles) == 0 {
		t.Fatalf("the organization's roles: %v", err)
	}
	// The organization's own objects, which no sweep may touch.
	create("membership_profiles", map[string]any{"name": "Support", "access_scope": "live_access"}, inOrg)
	create("memberships", map[string]any{"user_email": "keep@example.com"}, map[string]jsonapi.Relationship{
		"organization": inOrg["organization"], "role": jsonapi.ToOne("roles", roles[0].ID),
	})
	create("api_credentials", map[string]any{"name": "Kept app", "kind": "orders"}, inOrg)
	before := orgSnapshot(ctx, t, c, org)

	// Two runs at once, each killed once it has made what it makes.
	childEnv := func(run string) []string {
		var out []string
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "CLPROVISIONING_") && !strings.HasPrefix(kv, "TF_ACC_TEMP_DIR=") {
				out = append(out, kv)
			}
		}
		tmp := filepath.Join(dir, "tf-"+run)
		if err := os.MkdirAll(tmp, 0o755); err != nil {
			t.Fatal(err)
		}
		return append(out, EnvClientID+"="+id, EnvClientSecret+"="+secret, EnvAPIURL+"="+api, EnvAuthURL+"="+api,
			envTestOrganizationID+"="+org, envTestRunID+"="+run, "TF_ACC=1", "TF_ACC_TEMP_DIR="+tmp)
	}
	runs := []struct{ test, run, until string }{
		{"TestAccApplicationMembershipDataSources", "proofa", "POST /api/application_memberships 201"},
		{"TestAccIdentityProvider", "proofb", "POST /api/identity_providers 201"},
	}
	type child struct {
		cmd    *exec.Cmd
		out    *bytes.Buffer
		until  string
		done   chan error
		killed bool
	}
	var children []*child
	for _, r := range runs {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+r.test+"$", "-test.v", "-test.timeout=4m")
		cmd.Env = childEnv(r.run)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ch := &child{cmd: cmd, out: out, until: r.until, done: make(chan error, 1)}
		go func() { ch.done <- cmd.Wait() }()
		children = append(children, ch)
	}
	kill := func(ch *child) {
		if !ch.killed {
			ch.killed = true
			_ = syscall.Kill(-ch.cmd.Process.Pid, syscall.SIGKILL)
			if err := <-ch.done; err == nil {
				t.Logf("a run ended by itself before it was killed (it was to stop at %q)", ch.until)
			}
		}
	}
	defer func() {
		for _, ch := range children {
			kill(ch)
		}
	}()
	for _, ch := range children {
		for !seen(t, requests, ch.until) {
			select {
			case err := <-ch.done:
				ch.done <- err
				kill(ch)
				t.Fatalf("the run ended (%v) before %s:\n%s", err, ch.until, ch.out)
			case <-ctx.Done():
				t.Fatalf("no %s within the time allowed:\n%s", ch.until, ch.out)
			case <-time.After(100 * time.Millisecond):
			}
		}
		kill(ch)
	}

	// What the killed runs left, by type.
	left := map[string]int{}
	for typ, objs := range orgSnapshot(ctx, t, c, org) {
		for _, o := range objs {
			if !slices.Contains(before[typ], o) {
				left[typ]++
			}
		}
	}
	t.Logf("left by the killed runs: %v", left)
	for _, typ := range []string{"memberships", "membership_profiles", "api_credentials", "application_memberships", "identity_providers"} {
		if left[typ] == 0 {
			t.Errorf("the killed runs left no %s: the proof proves less than it says", typ)
		}
	}

	sweep := exec.CommandContext(ctx, os.Args[0], "-test.run=^$", "-test.v", "-sweep=all", "-sweep-allow-failures")
	sweep.Env = childEnv("sweep")
	out, err := sweep.CombinedOutput()
	if err != nil {
		t.Fatalf("sweep: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "[INFO] sweeper") || strings.Contains(line, "[WARN] sweeper") {
			t.Log(line)
		}
	}

	after := orgSnapshot(ctx, t, c, org)
	for typ, objs := range before {
		if !slices.Equal(objs, after[typ]) {
			t.Errorf("%s before the runs:\n  %s\nafter the sweep:\n  %s", typ, strings.Join(objs, "\n  "), strings.Join(after[typ], "\n  "))
		}
	}
}

// startSimulatorProcess builds cmd/simulator and runs it on a free loopback
// port until the test ends; it returns its URL and its requests log.
func startSimulatorProcess(ctx context.Context, t *testing.T, dir, id, secret string) (string, string) {
	t.Helper()
	bin := filepath.Join(dir, "simulator")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./internal/simulator/cmd/simulator")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the simulator: %v\n%s", err, out)
	}
	log := filepath.Join(dir, "requests.jsonl")
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-client-id", id, "-client-secret", secret, "-requests-log", log)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "simulator listening on ")
	if err != nil || !ok {
		t.Fatalf("the simulator did not start: %q %v\n%s", line, err, stderr.String())
	}
	return url, log
}

// seen says whether the simulator's requests log has a request "METHOD
// /path STATUS".
func seen(t *testing.T, log, want string) bool {
	t.Helper()
	b, err := os.ReadFile(log)
	if err != nil {
		return false
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		var r struct {
			Method, Path string
			Status       int
		}
		if json.Unmarshal(line, &r) == nil && fmt.Sprintf("%s %s %d", r.Method, r.Path, r.Status) == want {
			return true
		}
	}
	return false
}

// orgSnapshot is every object of the organization, the signed-in user's
// organizations and identity providers, by type, each as sorted JSON.
func orgSnapshot(ctx context.Context, t *testing.T, c *provisioning.Client, org string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	add := func(typ string, rs ...jsonapi.Resource) {
		out[typ] = []string{}
		for _, r := range rs {
			b, err := json.Marshal(map[string]any{"id": r.ID, "attributes": r.Attributes})
			if err != nil {
				t.Fatal(err)
			}
			out[typ] = append(out[typ], string(b))
		}
		slices.Sort(out[typ])
	}
	orgs, err := c.List(ctx, "organizations", provisioning.Query{}) // none made by the runs
	if err != nil {
		t.Fatal(err)
	}
	add("organizations", orgs...)
	for _, typ := range []string{"roles", "permissions", "memberships", "membership_profiles", "api_credentials", "application_memberships"} {
		all, err := c.List(ctx, typ, provisioning.Query{Filters: map[string]string{"organization_id_eq": org}})
		if err != nil {
			t.Fatalf("listing %s: %v", typ, err)
		}
		add(typ, all...)
	}
	idps, err := c.List(ctx, "identity_providers", provisioning.Query{})
	if err != nil {
		t.Fatal(err)
	}
	add("identity_providers", idps...)
	return out
}
