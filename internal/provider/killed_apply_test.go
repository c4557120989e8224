package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// A Terraform run killed (SIGKILL) in the middle of a role assignment's
// grants loses nothing: the next apply adopts the grants the killed run made
// (they carry the assignment's mark) and makes the rest, and the API ends
// with exactly the application memberships the state knows.
func TestAccKilledApplyLosesNothing(t *testing.T) {
	env := newTestEnv(t)
	env.needSim("slows the grants down and watches them land")
	c := newCLI(t)
	full := `terraform {
  required_providers {
    clprovisioning = { source = "clprovisioning/clprovisioning" }
  }
}
` + env.provider + grantsConfig("Killed Run Org", 8, "clprovisioning_membership.person[*].id")
	// The organization, people and app first, so that the run killed is
	// the role assignment's alone (how often a CLI saves its state while
	// other resources are created differs between Terraform and OpenTofu).
	c.write("main.tf", full[:strings.Index(full, `resource "clprovisioning_role_assignment"`)])
	c.must("init", "-input=false", "-no-color")
	c.must("apply", "-input=false", "-no-color", "-auto-approve")
	c.write("main.tf", full)

	// Each grant's answer takes 300 ms: kill Terraform once three landed.
	env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultLatency, Method: "POST", PathPrefix: "/api/application_memberships", Latency: 300 * time.Millisecond, AfterHandling: true})
	cmd := exec.Command(c.terraform, "apply", "-input=false", "-no-color", "-auto-approve")
	cmd.Dir, cmd.Env = c.dir, c.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	granted := func() int {
		n := 0
		for _, r := range env.sim.Requests() {
			if r.Method == http.MethodPost && r.Path == "/api/application_memberships" && r.Status == 201 {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(2 * time.Minute)
	for granted() < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	if n := granted(); n < 3 || n >= 8 {
		t.Fatalf("killed after %d grants, want a run killed part-way; output:\n%s", n, out.String())
	}
	env.sim.ClearFaults()
	// The provider, served from this process, may still finish the grant it
	// was sending when Terraform died: wait for the log to settle.
	for last := -1; last != len(env.sim.Requests()); time.Sleep(500 * time.Millisecond) {
		last = len(env.sim.Requests())
	}
	before := granted()
	t.Logf("Terraform killed after %d of 8 grants", before)

	_ = c.must("apply", "-input=false", "-no-color", "-auto-approve")
	if after := granted() - before; after != 8-before {
		t.Errorf("the second apply made %d grants, want the %d missing ones", after, 8-before)
	}
	if p, code := c.plan(); code != 0 {
		t.Errorf("plan after the recovery is not empty: %v", changes(p))
	}

	// The API holds exactly the grants the state knows.
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string         `json:"type"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(c.must("show", "-json")), &state); err != nil {
		t.Fatal(err)
	}
	known, appID := map[string]bool{}, ""
	for _, r := range state.Values.RootModule.Resources {
		if r.Type == "clprovisioning_role_assignment" {
			appID, _ = r.Values["api_credential_id"].(string)
			ids, _ := r.Values["application_membership_ids"].(map[string]any)
			for _, id := range ids {
				s, _ := id.(string)
				known[s] = true
			}
		}
	}
	all, err := env.client.List(context.Background(), "application_memberships", provisioning.Query{Filters: map[string]string{"api_credential_id_eq": appID}})
	if err != nil {
		t.Fatal(err)
	}
	var unknown []string
	for _, am := range all {
		if !known[am.ID] {
			unknown = append(unknown, am.ID)
		}
	}
	if len(all) != 8 || len(known) != 8 || len(unknown) > 0 {
		t.Errorf("API has %d application memberships, state knows %d; in no state: %s", len(all), len(known), strings.Join(unknown, ", "))
	}
}
