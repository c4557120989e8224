package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// cli runs a real Terraform CLI in a working directory against a provider
// served from the test process (the reattach protocol, as
// terraform-plugin-testing does). It exists for what terraform-plugin-testing
// cannot do: configurations with for_each (its state shim refuses them),
// child modules and shell scripts that call terraform themselves.
type cli struct {
	t         *testing.T
	dir       string
	terraform string
	env       []string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || tf == "" {
		t.Skip("needs TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make test sets both)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	serve := providerserver.NewProtocol6(New("test")())
	go func() {
		err := tf6server.Serve("registry.terraform.io/clprovisioning/clprovisioning", serve,
			tf6server.WithDebug(ctx, reattach, closed), tf6server.WithLoggingSink(t),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
		if err != nil {
			t.Errorf("serving the provider: %v", err)
		}
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-reattach:
	case <-closed:
		t.Fatal("the provider server stopped before it started")
	}
	t.Cleanup(func() {
		cancel()
		<-closed
	})
	info := map[string]any{
		"Protocol": string(rc.Protocol), "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": true,
		"Addr": map[string]string{"Network": rc.Addr.Network(), "String": rc.Addr.String()},
	}
	// Every address the provider may be asked for: examples name it
	// clprovisioning/clprovisioning, plain provider blocks hashicorp/clprovisioning,
	// and OpenTofu resolves both on its own registry host.
	addrs := map[string]any{}
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		for _, ns := range []string{"clprovisioning", "hashicorp"} {
			addrs[host+"/"+ns+"/clprovisioning"] = info
		}
	}
	b, _ := json.Marshal(addrs)
	dir := t.TempDir()
	// An empty CLI configuration of its own: nothing from the machine's.
	if err := os.WriteFile(filepath.Join(dir, "empty.terraformrc"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return &cli{t: t, dir: dir, terraform: tf, env: append(os.Environ(),
		"TF_REATTACH_PROVIDERS="+string(b),
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"TF_CLI_CONFIG_FILE="+filepath.Join(dir, "empty.terraformrc"),
	)}
}

// write puts a file in the working directory.
func (c *cli) write(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// run runs terraform with the arguments and returns its output and exit code.
func (c *cli) run(args ...string) (string, int) {
	c.t.Helper()
	return c.exec(c.terraform, args...)
}

// exec runs any command in the working directory, with TERRAFORM set.
func (c *cli) exec(name string, args ...string) (string, int) {
	c.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = c.dir
	cmd.Env = append(c.env, "TERRAFORM="+c.terraform)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), exit.ExitCode()
	}
	if err != nil {
		c.t.Fatalf("%s %v: %v", name, args, err)
	}
	return out.String(), 0
}

// must runs terraform and fails the test unless it exits 0.
func (c *cli) must(args ...string) string {
	c.t.Helper()
	out, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("terraform %v: exit %d\n%s", args, code, out)
	}
	return out
}

// plan saves a plan and returns it as JSON, with the -detailed-exitcode code.
func (c *cli) plan() (*tfjson.Plan, int) {
	c.t.Helper()
	out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=test.tfplan")
	if code == 1 {
		c.t.Fatalf("terraform plan: exit 1\n%s", out)
	}
	js := c.must("show", "-json", "test.tfplan")
	var p tfjson.Plan
	if err := json.Unmarshal([]byte(js), &p); err != nil {
		c.t.Fatalf("plan JSON: %v", err)
	}
	return &p, code
}

// changes lists the planned actions by resource address, leaving out no-ops
// and data source reads.
func changes(p *tfjson.Plan) map[string]string {
	out := map[string]string{}
	for _, rc := range p.ResourceChanges {
		if rc.Mode != tfjson.ManagedResourceMode || rc.Change.Actions.NoOp() {
			continue
		}
		var s string
		for i, a := range rc.Change.Actions {
			if i > 0 {
				s += "/"
			}
			s += string(a)
		}
		out[rc.Address] = s
	}
	return out
}
