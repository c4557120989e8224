package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator/contract"
)

func TestRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-addr", "0.0.0.0:0", "-client-id", "a", "-client-secret", "b"},
		{"-addr", "example.com:80", "-client-id", "a", "-client-secret", "b"},
		{"-addr", "no-port", "-client-id", "a", "-client-secret", "b"},
		{"-client-id", "a"},
	} {
		if err := run(args, io.Discard); err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}

var listening = regexp.MustCompile(`^simulator listening on (http://127\.0\.0\.1:\d+)$`)

// TestCommand builds the command, runs it, uses it and stops it.
func TestCommand(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "simulator")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	logFile := filepath.Join(dir, "requests.log")
	cmd := exec.Command(bin, "-client-id", "cid", "-client-secret", "csecret", "-requests-log", logFile, "-token-ttl", "1h", "-user-email", "cli@example.com", "-read-lag", "1h")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	var base string
	select {
	case line := <-lines:
		m := listening.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("first line %q", line)
		}
		base = m[1]
	case <-time.After(20 * time.Second):
		t.Fatalf("no listening line; stderr: %s", stderr.String())
	}

	res, err := http.PostForm(base+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"csecret"}})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	err = json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	if err != nil || tok.ExpiresIn != 3600 {
		t.Fatalf("token: %v %+v", err, tok)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/user", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Accept", "application/vnd.api+json")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "cli@example.com") {
		t.Fatalf("GET /api/user: %d %s", res.StatusCode, body)
	}
	checkContract(t, req, res, body)

	// -read-lag 1h: an organization just created is not found by a GET.
	send := func(method, path, body string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		req.Header.Set("Accept", "application/vnd.api+json")
		if body != "" {
			req.Header.Set("Content-Type", "application/vnd.api+json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	status, body := send(http.MethodPost, "/api/organizations", `{"data":{"type":"organizations","attributes":{"name":"Lagged"}}}`)
	var created struct{ Data struct{ ID string } }
	if err := json.Unmarshal(body, &created); status != http.StatusCreated || err != nil || created.Data.ID == "" {
		t.Fatalf("POST /api/organizations: %d %s", status, body)
	}
	if status, body := send(http.MethodGet, "/api/organizations/"+created.Data.ID, ""); status != http.StatusNotFound {
		t.Errorf("GET of the organization just created with -read-lag 1h: %d %s", status, body)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v; stderr: %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10 s after SIGTERM")
	}
	if extra, ok := <-lines; ok {
		t.Errorf("more than one stdout line: %q", extra)
	}
	logged, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(logged), "\n"); n != 4 || !strings.Contains(string(logged), `"path":"/api/user"`) {
		t.Errorf("requests log:\n%s", logged)
	}
}

// checkContract checks the answer of the running command against the spec.
func checkContract(t *testing.T, req *http.Request, res *http.Response, body []byte) {
	t.Helper()
	c, err := contract.Load()
	if errors.Is(err, contract.ErrSpecNotFound) {
		t.Log("contract checks skipped: ../shared/provisioning-openapi.json not found (set CLPROVISIONING_OPENAPI_SPEC)")
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range c.Check(simulator.Exchange{
		Method: req.Method, Path: req.URL.Path, RawQuery: req.URL.RawQuery, RequestHeader: req.Header,
		Status: res.StatusCode, ResponseHeader: res.Header, ResponseBody: body,
	}) {
		t.Errorf("contract violation: %v", v)
	}
}
