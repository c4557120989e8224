// Package bench measures the provider at the published rate limits: a real
// Terraform CLI applies, plans and destroys N memberships of one existing
// organization against the simulator (in a process of its own, with rate
// limits on or off), and each command's wall time is set against the floor
// the published limits allow for the requests it sent (floor.go). It also
// plans a large configuration with and without refresh, and profiles the
// provider's CPU at plan time. A concurrent scenario (concurrent.go) runs
// many Terraform processes at once against one simulator, as pipelines
// behind one address.
//
// Run it with `make bench` (cmd/bench); it is not part of `make test`.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// Options choose what is measured.
type Options struct {
	Terraform string // the Terraform CLI
	Ns        []int  // membership counts applied, planned and destroyed
	Limits    []bool // simulator rate limits: on, off or both
	Runs      int    // repetitions of each measured figure
	PlanN     int    // objects of the large no-change plan (0: none)
	ProfileN  int    // the N whose plan is profiled (limits on, once; 0: none)
	// Concurrent lists the modes of the concurrent scenario to run
	// (concurrent.go): ModeShared, ModeUnshared; none: not run. It applies
	// ConcurrentN memberships in each of ConcurrentApplies processes at
	// once, then plans in ConcurrentPlans processes at once.
	Concurrent                                      []string
	ConcurrentApplies, ConcurrentN, ConcurrentPlans int
	Out                                             string        // profiles, logs, results.json
	Timeout                                         time.Duration // the whole benchmark
	// ProviderEnv is added to the environment of every terraform command
	// (which passes it on to the provider processes).
	ProviderEnv []string
	Progress    io.Writer
}

// Measurement is one terraform command.
type Measurement struct {
	Scenario string `json:"scenario"` // "memberships" or "large-plan"
	N        int    `json:"n"`
	Limits   bool   `json:"rate_limits"`
	Run      int    `json:"run"`
	Op       string `json:"op"`

	Wall time.Duration `json:"wall_ns"`
	// Span is from the first request's arrival to the last one's answer.
	Span    time.Duration  `json:"span_ns"`
	Methods map[string]int `json:"methods"` // API requests by method (token requests apart)
	Token   int            `json:"token"`
	Status  map[int]int    `json:"status"`
	Floor   time.Duration  `json:"floor_ns"`

	TerraformCPU  time.Duration `json:"terraform_cpu_ns"` // Terraform without its provider processes
	ProviderCPU   time.Duration `json:"provider_cpu_ns"`
	SimulatorCPU  time.Duration `json:"simulator_cpu_ns"`
	ProviderProcs int           `json:"provider_processes"`
	ProviderRSS   int64         `json:"provider_max_rss_kib"` // the largest provider process's peak

	// TokenPerMinute is the most token requests in any 60 s.
	TokenPerMinute int `json:"token_max_per_minute"`
	// Concurrent scenario: the terraform commands run at once, and how many
	// of them failed.
	Parallel int `json:"parallel,omitempty"`
	Failures int `json:"failures,omitempty"`
}

// Requests is every request sent, token requests included.
func (m *Measurement) Requests() int {
	n := m.Token
	for _, c := range m.Methods {
		n += c
	}
	return n
}

// Ratio is wall / floor (0 when the floor is 0).
func (m *Measurement) Ratio() float64 {
	if m.Floor <= 0 {
		return 0
	}
	return m.Wall.Seconds() / m.Floor.Seconds()
}

// Operations measured.
const (
	OpApply       = "apply"
	OpImport      = "apply (import)"
	OpPlan        = "plan"
	OpPlan25      = "plan -parallelism=25"
	OpPlanNoRefr  = "plan -refresh=false"
	OpDestroy     = "destroy"
	OpPlanProfile = "plan (CPU profiled)"
)

// Run measures what opts ask for and returns every measurement.
func Run(ctx context.Context, opts Options, providerDir string) ([]Measurement, error) {
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	b := &bencher{opts: opts, self: self, providerDir: providerDir}
	for run := range max(opts.Runs, 1) {
		for _, n := range opts.Ns {
			for _, limits := range opts.Limits {
				if err := b.memberships(ctx, n, limits, run); err != nil {
					return b.results, err
				}
			}
		}
		if opts.PlanN > 0 {
			if err := b.largePlan(ctx, opts.PlanN, run); err != nil {
				return b.results, err
			}
		}
		for _, mode := range opts.Concurrent {
			if err := b.concurrent(ctx, mode, run); err != nil {
				return b.results, err
			}
		}
	}
	return b.results, nil
}

type bencher struct {
	opts        Options
	self        string
	providerDir string
	results     []Measurement
	profiled    bool // the plan of ProfileN objects was profiled
}

func (b *bencher) logf(format string, args ...any) {
	if b.opts.Progress != nil {
		fmt.Fprintf(b.opts.Progress, format+"\n", args...)
	}
}

// session is one simulator and one working directory.
type session struct {
	sim  *simProcess
	w    *workdir
	seen int // requests of the simulator already attributed
	base Measurement
}

func (b *bencher) start(ctx context.Context, scenario string, n int, limits bool, run, seed int) (*session, error) {
	dir := filepath.Join(b.opts.Out, "work", fmt.Sprintf("%s-n%d-limits-%s-run%d", scenario, n, onOff(limits), run+1))
	_ = os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	simLog, err := os.Create(filepath.Join(dir, "simulator.log"))
	if err != nil {
		return nil, err
	}
	sim, err := startSimulator(ctx, b.self, limits, seed, simLog)
	if err != nil {
		simLog.Close()
		return nil, err
	}
	w, err := newWorkdir(dir, b.opts.Terraform, b.providerDir, b.opts.ProviderEnv)
	if err != nil {
		sim.stop()
		return nil, err
	}
	return &session{sim: sim, w: w, base: Measurement{Scenario: scenario, N: n, Limits: limits, Run: run + 1}}, nil
}

// memberships: apply N, plan it three ways, destroy it.
func (b *bencher) memberships(ctx context.Context, n int, limits bool, run int) error {
	s, err := b.start(ctx, "memberships", n, limits, run, 0)
	if err != nil {
		return err
	}
	defer s.sim.stop()
	if err := s.w.setVars(s.sim, n, nil); err != nil {
		return err
	}
	if _, err := b.measure(ctx, s, OpApply, nil, "apply", "-auto-approve"); err != nil {
		return err
	}
	if err := b.plans(ctx, s, n); err != nil {
		return err
	}
	_, err = b.measure(ctx, s, OpDestroy, nil, "destroy", "-auto-approve")
	return err
}

// largePlan: a simulator already holding N members, imported once, then
// planned with and without refresh.
func (b *bencher) largePlan(ctx context.Context, n, run int) error {
	s, err := b.start(ctx, "large-plan", n, true, run, n)
	if err != nil {
		return err
	}
	defer s.sim.stop()
	if err := s.w.setVars(s.sim, n, s.sim.Members); err != nil {
		return err
	}
	m, err := b.measure(ctx, s, OpImport, nil, "apply", "-auto-approve")
	if err != nil {
		return err
	}
	if m.Methods["POST"]+m.Methods["PATCH"]+m.Methods["DELETE"] != 0 {
		return fmt.Errorf("importing %d members wrote to the API: %v", n, m.Methods)
	}
	if err := s.w.setVars(s.sim, n, nil); err != nil {
		return err
	}
	return b.plans(ctx, s, n)
}

// plans: the no-change plan at the default parallelism and at 25 (not for
// the large plan), the same without refresh (what Terraform and the provider
// need without the API), and, once, a profiled plan.
func (b *bencher) plans(ctx context.Context, s *session, n int) error {
	type plan struct {
		op   string
		args []string
	}
	plans := []plan{{OpPlan, nil}, {OpPlan25, []string{"-parallelism=25"}}, {OpPlanNoRefr, []string{"-refresh=false"}}}
	if s.base.Scenario == "large-plan" {
		plans = slices.Delete(plans, 1, 2) // what the large plan is for: with and without refresh
	}
	for _, p := range plans {
		if _, err := b.measure(ctx, s, p.op, nil, append([]string{"plan", "-detailed-exitcode"}, p.args...)...); err != nil {
			return err
		}
	}
	if n == b.opts.ProfileN && s.base.Limits && !b.profiled {
		b.profiled = true
		dir := filepath.Join(b.opts.Out, fmt.Sprintf("profile-plan-%d", n))
		_ = os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		if _, err := b.measure(ctx, s, OpPlanProfile, []string{envProfile + "=1"}, "plan", "-detailed-exitcode"); err != nil {
			return err
		}
		profiles, _ := filepath.Glob(filepath.Join(s.w.providerOut, "provider-*.pprof"))
		for _, p := range profiles {
			if err := os.Rename(p, filepath.Join(dir, filepath.Base(p))); err != nil {
				return err
			}
		}
		b.logf("    CPU profiles of the provider processes of that plan: %s (go tool pprof -top %s/*.pprof)", dir, dir)
	}
	return nil
}

// measure runs one terraform command and attributes to it the requests the
// simulator served meanwhile. The simulator's windows are emptied first, as
// if the command ran a minute after the previous one (the floor assumes
// empty windows). With limits off too: the simulator counts requests and
// tells the count in X-Ratelimit-Remaining either way, and the provider
// waits on it, so a destroy right after an apply would wait for the apply's
// writes to leave the minute window.
func (b *bencher) measure(ctx context.Context, s *session, op string, env []string, args ...string) (*Measurement, error) {
	if err := s.sim.resetLimits(); err != nil {
		return nil, err
	}
	simBefore, err := s.sim.cpu()
	if err != nil {
		return nil, err
	}
	writes := Floor(Counts{{"write", "memberships"}: s.base.N}, Published)
	timeout := 10*time.Minute + 3*writes
	res, err := s.w.run(ctx, timeout, env, args...)
	if err != nil {
		return nil, err
	}
	if res.exit != 0 {
		return nil, fmt.Errorf("terraform %s (N=%d, limits %s): exit %d, want 0\n%s",
			strings.Join(args, " "), s.base.N, onOff(s.base.Limits), res.exit, tail(res.output))
	}
	if res.serveError != "" {
		return nil, fmt.Errorf("terraform %s: a provider process failed: %s", strings.Join(args, " "), res.serveError)
	}
	simAfter, err := s.sim.cpu()
	if err != nil {
		return nil, err
	}
	reqs, err := s.sim.requests(s.seen)
	if err != nil {
		return nil, err
	}
	s.seen += len(reqs)
	if b, err := json.Marshal(reqs); err == nil {
		name := strings.NewReplacer(" ", "_", "(", "", ")", "", "=", "").Replace(op)
		_ = os.WriteFile(filepath.Join(s.w.dir, "requests-"+name+".json"), b, 0o600)
	}

	m := s.base
	m.Op = op
	m.Wall = res.wall
	tally(&m, reqs)
	m.ProviderCPU = res.provider.Total()
	m.TerraformCPU = res.cpu.Total() - res.provider.Total()
	m.SimulatorCPU = simAfter.sub(simBefore).Total()
	m.ProviderProcs = res.procs
	m.ProviderRSS = res.maxRSS
	b.results = append(b.results, m)
	b.logf("  %-11s N=%-5d limits %-3s run %d  %-22s wall %7.2fs  floor %6.1fs  %s  CPU terraform %.2fs provider %.2fs (%d processes, peak %d MiB) simulator %.2fs",
		m.Scenario, m.N, onOff(m.Limits), m.Run, m.Op, m.Wall.Seconds(), m.Floor.Seconds(), methodsString(&m),
		m.TerraformCPU.Seconds(), m.ProviderCPU.Seconds(), m.ProviderProcs, m.ProviderRSS/1024, m.SimulatorCPU.Seconds())
	return &m, nil
}

// tally counts the requests the simulator served into m: by method and
// status, token requests apart, their span, and the floor the published
// limits set for those it accepted.
func tally(m *Measurement, reqs []simulator.Request) {
	m.Methods, m.Status = map[string]int{}, map[int]int{}
	counts := Counts{}
	var first, last time.Time
	var tokens []time.Time
	for _, r := range reqs {
		k := Classify(r.Method, r.Path)
		if k.Class == "token" {
			m.Token++
			tokens = append(tokens, r.Time)
		} else {
			m.Methods[r.Method]++
		}
		m.Status[r.Status]++
		if r.Status != 429 { // refused requests take no place in a window
			counts[k]++
		}
		if first.IsZero() || r.Time.Before(first) {
			first = r.Time
		}
		if end := r.Time.Add(r.Duration); end.After(last) {
			last = end
		}
	}
	if !first.IsZero() {
		m.Span = last.Sub(first)
	}
	m.Floor = Floor(counts, Published)
	m.TokenPerMinute = MostInWindow(tokens, time.Minute)
}

// MostInWindow is the largest number of the times that fall in any period
// of length per (a request at t is in [t, t+per)).
func MostInWindow(times []time.Time, per time.Duration) int {
	ts := slices.SortedFunc(slices.Values(times), func(a, b time.Time) int { return a.Compare(b) })
	most, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= per {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// methodsString: "GET 7, POST 150, token 1, 429: 0".
func methodsString(m *Measurement) string {
	var parts []string
	for _, meth := range []string{"GET", "POST", "PATCH", "DELETE"} {
		if c := m.Methods[meth]; c > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", meth, c))
		}
	}
	parts = append(parts, fmt.Sprintf("token %d", m.Token), fmt.Sprintf("429: %d", m.Status[429]))
	return strings.Join(parts, ", ")
}

// BuildProvider builds the bench provider binary into dir, named as
// Terraform looks for it, from the module in moduleDir.
func BuildProvider(ctx context.Context, moduleDir, dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "terraform-provider-clprovisioning"), "./internal/bench/cmd/benchprovider")
	cmd.Dir = moduleDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build the bench provider: %w\n%s", err, out)
	}
	return nil
}

// ParseNs parses "150,500,1000" (spaces and "1 000" tolerated; "none" or
// "" is no N).
func ParseNs(s string) ([]int, error) {
	var out []int
	if strings.TrimSpace(s) == "none" {
		return nil, nil
	}
	for f := range strings.SplitSeq(s, ",") {
		f = strings.ReplaceAll(strings.TrimSpace(f), " ", "")
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("bad N %q", f)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
