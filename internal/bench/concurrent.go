package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// The concurrent scenario: many pipelines behind one address, as the
// limits (per IP) see them. Against one simulator enforcing the published
// limits, ConcurrentApplies Terraform processes each apply
// ConcurrentN memberships of their own at once (4 × 50: the floor is that
// of 200 writes to one endpoint, 30 s); then ConcurrentPlans processes plan
// at once (40: each a copy of one apply's configuration and state, so each
// refreshes ConcurrentN memberships), with a cold cache (no token, empty
// ledger), the worst case for the token endpoint's 30 a minute.
//
// Mode "shared" runs the provider as users get it (the shared cache on, in
// a directory of the run's own: CLPROVISIONING_CACHE_DIR); "unshared" turns
// it off (CLPROVISIONING_SHARED_CACHE=off), each process counting alone,
// as before it existed.

// Concurrent scenario modes.
const (
	ModeShared   = "shared"
	ModeUnshared = "unshared"
)

// Operations of the concurrent scenario.
const (
	OpApplies = "applies at once"
	OpPlans   = "plans at once"
)

func concurrentScenario(mode string) string {
	if mode == ModeUnshared {
		return "concurrent-unshared"
	}
	return "concurrent"
}

func (b *bencher) concurrent(ctx context.Context, mode string, run int) error {
	applies, n, plans := max(b.opts.ConcurrentApplies, 1), max(b.opts.ConcurrentN, 1), b.opts.ConcurrentPlans
	scenario := concurrentScenario(mode)
	dir := filepath.Join(b.opts.Out, "work", fmt.Sprintf("%s-%dx%d-run%d", scenario, applies, n, run+1))
	_ = os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	simLog, err := os.Create(filepath.Join(dir, "simulator.log"))
	if err != nil {
		return err
	}
	defer simLog.Close()
	sim, err := startSimulator(ctx, b.self, true, 0, simLog)
	if err != nil {
		return err
	}
	defer sim.stop()
	s := &session{sim: sim, base: Measurement{Scenario: scenario, N: n, Limits: true, Run: run + 1}}

	env := func(cache string) []string {
		if mode == ModeUnshared {
			return append(slices.Clone(b.opts.ProviderEnv), "CLPROVISIONING_SHARED_CACHE=off")
		}
		return append(slices.Clone(b.opts.ProviderEnv), "CLPROVISIONING_SHARED_CACHE=on", "CLPROVISIONING_CACHE_DIR="+filepath.Join(dir, cache))
	}
	var applyDirs []*workdir
	for k := range applies {
		w, err := newWorkdir(filepath.Join(dir, fmt.Sprintf("apply-%d", k)), b.opts.Terraform, b.providerDir, env("cache-applies"))
		if err != nil {
			return err
		}
		if err := w.setVarsFrom(sim, k*n, n, nil); err != nil {
			return err
		}
		applyDirs = append(applyDirs, w)
	}
	if err := b.measureAtOnce(ctx, s, applyDirs, fmt.Sprintf("%d %s", applies, OpApplies), n*applies, "apply", "-auto-approve"); err != nil {
		return err
	}
	if plans <= 0 {
		return nil
	}
	var planDirs []*workdir
	for i := range plans {
		from := applyDirs[i%applies]
		w, err := newWorkdir(filepath.Join(dir, fmt.Sprintf("plan-%d", i)), b.opts.Terraform, b.providerDir, env("cache-plans"))
		if err != nil {
			return err
		}
		for _, f := range []string{"terraform.tfvars.json", "terraform.tfstate"} {
			data, err := os.ReadFile(filepath.Join(from.dir, f))
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(w.dir, f), data, 0o600); err != nil {
				return err
			}
		}
		planDirs = append(planDirs, w)
	}
	return b.measureAtOnce(ctx, s, planDirs, fmt.Sprintf("%d %s", plans, OpPlans), 0, "plan", "-detailed-exitcode")
}

// measureAtOnce runs one terraform command in every working directory at
// once and measures them as one: wall from the first start to the last
// end, every request the simulator served meanwhile, failures (an exit
// other than 0: for a plan with -detailed-exitcode, 2 means it found
// changes where there are none). writes bounds the commands' time.
func (b *bencher) measureAtOnce(ctx context.Context, s *session, dirs []*workdir, op string, writes int, args ...string) error {
	if err := s.sim.resetLimits(); err != nil {
		return err
	}
	simBefore, err := s.sim.cpu()
	if err != nil {
		return err
	}
	timeout := 10*time.Minute + 3*Floor(Counts{{"write", "memberships"}: writes}, Published)
	results := make([]*tfResult, len(dirs))
	errs := make([]error, len(dirs))
	var wg sync.WaitGroup
	start := time.Now()
	for i, w := range dirs {
		wg.Go(func() { results[i], errs[i] = w.run(ctx, timeout, nil, args...) })
	}
	wg.Wait()
	wall := time.Since(start)
	if err := ctx.Err(); err != nil {
		return err
	}
	simAfter, err := s.sim.cpu()
	if err != nil {
		return err
	}
	reqs, err := s.sim.requests(s.seen)
	if err != nil {
		return err
	}
	s.seen += len(reqs)
	name := strings.NewReplacer(" ", "_").Replace(op)
	if data, err := json.Marshal(reqs); err == nil {
		_ = os.WriteFile(filepath.Join(filepath.Dir(dirs[0].dir), "requests-"+name+".json"), data, 0o600)
	}

	m := s.base
	m.Op = op
	m.Wall = wall
	m.Parallel = len(dirs)
	tally(&m, reqs)
	var tfCPU, provCPU time.Duration
	var failed []string
	for i, r := range results {
		if errs[i] != nil {
			m.Failures++
			failed = append(failed, fmt.Sprintf("%s: %v", dirs[i].dir, errs[i]))
			continue
		}
		if r.exit != 0 || r.serveError != "" {
			m.Failures++
			failed = append(failed, fmt.Sprintf("%s: exit %d %s\n%s", dirs[i].dir, r.exit, r.serveError, tail(r.output)))
		}
		tfCPU += r.cpu.Total() - r.provider.Total()
		provCPU += r.provider.Total()
		m.ProviderProcs += r.procs
		m.ProviderRSS = max(m.ProviderRSS, r.maxRSS)
	}
	m.TerraformCPU, m.ProviderCPU = tfCPU, provCPU
	m.SimulatorCPU = simAfter.sub(simBefore).Total()
	b.results = append(b.results, m)
	b.logf("  %-19s run %d  %-20s wall %7.2fs  floor %6.1fs  %s  token max/60 s %d  failures %d  CPU terraform %.2fs provider %.2fs (%d processes, peak %d MiB) simulator %.2fs",
		m.Scenario, m.Run, m.Op, m.Wall.Seconds(), m.Floor.Seconds(), methodsString(&m), m.TokenPerMinute, m.Failures,
		m.TerraformCPU.Seconds(), m.ProviderCPU.Seconds(), m.ProviderProcs, m.ProviderRSS/1024, m.SimulatorCPU.Seconds())
	if len(failed) > 0 {
		_ = os.WriteFile(filepath.Join(filepath.Dir(dirs[0].dir), "failures-"+name+".log"), []byte(strings.Join(failed, "\n\n")), 0o600)
		b.logf("    %d of %d failed; the first: %s", len(failed), len(dirs), firstLine(failed[0]))
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
