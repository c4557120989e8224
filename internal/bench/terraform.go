package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// mainTF is the configuration measured: N memberships of one existing
// organization, with the built-in read_only role found by a data source
// (so a plan of N memberships refreshes N+1 objects), and import blocks
// that adopt members the simulator already holds (empty unless asked).
const mainTF = `terraform {
  required_providers {
    clprovisioning = { source = "clprovisioning/clprovisioning" }
  }
}

variable "url" { type = string }
variable "client_id" { type = string }
variable "client_secret" {
  type      = string
  sensitive = true
}
variable "organization_id" { type = string }
variable "members" { type = map(string) }
variable "import_ids" {
  type    = map(string)
  default = {}
}

provider "clprovisioning" {
  api_url       = var.url
  auth_url      = var.url
  client_id     = var.client_id
  client_secret = var.client_secret
}

data "clprovisioning_role" "read_only" {
  organization_id = var.organization_id
  kind            = "read_only"
}

resource "clprovisioning_membership" "m" {
  for_each        = var.members
  organization_id = var.organization_id
  role_id         = data.clprovisioning_role.read_only.id
  user_email      = each.value
}

import {
  for_each = var.import_ids
  to       = clprovisioning_membership.m[each.key]
  id       = each.value
}
`

// workdir is one Terraform working directory with its own CLI
// configuration, pointing at the bench provider binary.
type workdir struct {
	dir, terraform string
	providerOut    string // where provider processes record themselves
	env            []string
}

func newWorkdir(dir, terraform, providerDir string, extraEnv []string) (*workdir, error) {
	if err := os.MkdirAll(filepath.Join(dir, "provider-out"), 0o700); err != nil {
		return nil, err
	}
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"clprovisioning/clprovisioning\" = %q\n  }\n  direct {}\n}\n", providerDir)
	if err := os.WriteFile(filepath.Join(dir, "bench.tfrc"), []byte(rc), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(mainTF), 0o600); err != nil {
		return nil, err
	}
	w := &workdir{dir: dir, terraform: terraform, providerOut: filepath.Join(dir, "provider-out")}
	// Nothing of the machine's Terraform or provider settings: no logs
	// asked for (Terraform's default), no credentials from the environment.
	for _, e := range os.Environ() {
		name, _, _ := strings.Cut(e, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "CLPROVISIONING_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		w.env = append(w.env, e)
	}
	w.env = append(w.env,
		"TF_CLI_CONFIG_FILE="+filepath.Join(dir, "bench.tfrc"),
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
		envOut+"="+w.providerOut,
	)
	w.env = append(w.env, extraEnv...)
	return w, nil
}

// setVars writes terraform.tfvars.json: members 0 to n-1.
func (w *workdir) setVars(sim *simProcess, n int, imports map[string]string) error {
	return w.setVarsFrom(sim, 0, n, imports)
}

// setVarsFrom writes terraform.tfvars.json: members from to from+n-1.
func (w *workdir) setVarsFrom(sim *simProcess, from, n int, imports map[string]string) error {
	members := map[string]string{}
	for i := from; i < from+n; i++ {
		members[memberKey(i)] = memberEmail(i)
	}
	if imports == nil {
		imports = map[string]string{}
	}
	b, err := json.MarshalIndent(map[string]any{
		"url": sim.URL, "client_id": simClientID, "client_secret": simClientSecret,
		"organization_id": sim.OrganizationID, "members": members, "import_ids": imports,
	}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(w.dir, "terraform.tfvars.json"), b, 0o600)
}

// result of one terraform command.
type tfResult struct {
	wall       time.Duration
	cpu        cpu   // terraform and the provider processes it waited for
	provider   cpu   // the provider processes alone
	procs      int   // provider processes that recorded themselves
	maxRSS     int64 // the largest peak memory of those processes, KiB
	exit       int
	output     string
	serveError string
}

// run runs terraform with args (and -input=false -no-color), bounded by
// timeout: then it is interrupted, and killed 30 s later.
func (w *workdir) run(ctx context.Context, timeout time.Duration, extraEnv []string, args ...string) (*tfResult, error) {
	old, _ := filepath.Glob(filepath.Join(w.providerOut, "provider-*.json"))
	for _, f := range old {
		_ = os.Remove(f)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args = append(args, "-input=false", "-no-color")
	cmd := exec.CommandContext(ctx, w.terraform, args...)
	cmd.Dir = w.dir
	cmd.Env = append(append([]string{}, w.env...), extraEnv...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	res := &tfResult{wall: time.Since(start), output: out.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.exit = exit.ExitCode()
	case err != nil:
		return nil, fmt.Errorf("terraform %s: %w", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("terraform %s: stopped after %v (%w)\n%s", strings.Join(args, " "), timeout, ctx.Err(), tail(res.output))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.cpu = rusageCPU(ru)
	}
	_ = os.WriteFile(filepath.Join(w.dir, "last-"+strings.ReplaceAll(args[0], " ", "_")+".log"), out.Bytes(), 0o600)
	recs, _ := filepath.Glob(filepath.Join(w.providerOut, "provider-*.json"))
	for _, f := range recs {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var r providerRecord
		if json.Unmarshal(b, &r) != nil {
			continue
		}
		res.provider = res.provider.add(r.CPU)
		res.procs++
		res.maxRSS = max(res.maxRSS, r.MaxRSS)
		if r.ServeError != "" {
			res.serveError = r.ServeError
		}
	}
	return res, nil
}

// tail is the end of a command's output, for error messages.
func tail(s string) string {
	const n = 3000
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
