// Command bench measures the provider at the published rate limits with a
// real Terraform CLI against the simulator (see internal/bench and the
// README's "Performance" section). `make bench` runs it.
//
// Flags default to the environment: BENCH_N (150,500,1000), BENCH_LIMITS
// (on,off), BENCH_RUNS (2), BENCH_PLAN_N (2000), BENCH_PROFILE_N (1000),
// BENCH_CONCURRENT (shared; "shared,unshared" adds the same without the
// shared cache, "none" skips it), BENCH_CONCURRENT_SHAPE (4x50,40: applies ×
// memberships each, then plans), BENCH_OUT (.bench), BENCH_TIMEOUT (3h).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/bench"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == bench.SimulatorArg {
		if err := bench.SimulatorMain(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "bench simulator:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func env(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}

func run() error {
	terraform := flag.String("terraform", os.Getenv("TF_ACC_TERRAFORM_PATH"), "the Terraform CLI (make bench: scripts/terraform.sh)")
	ns := flag.String("n", env("BENCH_N", "150,500,1000"), "membership counts: apply, no-change plans, destroy")
	limits := flag.String("limits", env("BENCH_LIMITS", "on,off"), "simulator rate limits: on, off or on,off")
	runs := flag.Int("runs", atoi(env("BENCH_RUNS", "2")), "runs of each figure (medians are reported)")
	planN := flag.Int("plan-n", atoi(env("BENCH_PLAN_N", "2000")), "objects of the large no-change plan, with and without refresh (0: skip)")
	profileN := flag.Int("profile-n", atoi(env("BENCH_PROFILE_N", "1000")), "the N whose no-change plan is CPU-profiled once (0: none)")
	out := flag.String("out", env("BENCH_OUT", ".bench"), "directory for results.json, profiles and working directories")
	timeout := flag.Duration("timeout", mustDuration(env("BENCH_TIMEOUT", "3h")), "bound on the whole benchmark")
	concurrent := flag.String("concurrent", env("BENCH_CONCURRENT", "shared"), "the concurrent scenario: shared, unshared (without the shared cache), both comma-separated, or none")
	shape := flag.String("concurrent-shape", env("BENCH_CONCURRENT_SHAPE", "4x50,40"), "the concurrent scenario's size: <applies>x<memberships each>,<plans>")
	providerEnv := flag.String("provider-env", os.Getenv("BENCH_PROVIDER_ENV"), "comma-separated NAME=value added to the environment of terraform and its provider processes (experiments)")
	flag.Parse()

	if *terraform == "" {
		return errors.New("-terraform (or TF_ACC_TERRAFORM_PATH) is required: make bench sets it from scripts/terraform.sh")
	}
	opts := bench.Options{Terraform: *terraform, Runs: *runs, PlanN: *planN, ProfileN: *profileN, Timeout: *timeout, Progress: os.Stderr}
	var err error
	if opts.Ns, err = bench.ParseNs(*ns); err != nil {
		return err
	}
	for l := range strings.SplitSeq(*limits, ",") {
		switch strings.TrimSpace(l) {
		case "on":
			opts.Limits = append(opts.Limits, true)
		case "off":
			opts.Limits = append(opts.Limits, false)
		case "":
		default:
			return fmt.Errorf("-limits: %q is neither on nor off", l)
		}
	}
	for m := range strings.SplitSeq(*concurrent, ",") {
		switch m = strings.TrimSpace(m); m {
		case bench.ModeShared, bench.ModeUnshared:
			opts.Concurrent = append(opts.Concurrent, m)
		case "", "none":
		default:
			return fmt.Errorf("-concurrent: %q is neither shared, unshared nor none", m)
		}
	}
	if _, err := fmt.Sscanf(strings.ReplaceAll(*shape, " ", ""), "%dx%d,%d", &opts.ConcurrentApplies, &opts.ConcurrentN, &opts.ConcurrentPlans); err != nil ||
		opts.ConcurrentApplies <= 0 || opts.ConcurrentN <= 0 || opts.ConcurrentPlans < 0 {
		return fmt.Errorf("-concurrent-shape %q: want <applies>x<memberships each>,<plans>, e.g. 4x50,40", *shape)
	}
	if len(opts.Ns) == 0 && opts.PlanN == 0 && len(opts.Concurrent) == 0 {
		return errors.New("nothing to measure: -n none, -plan-n 0 and -concurrent none")
	}
	if *providerEnv != "" {
		opts.ProviderEnv = strings.Split(*providerEnv, ",")
	}
	if opts.Out, err = filepath.Abs(*out); err != nil {
		return err
	}
	if err := os.MkdirAll(opts.Out, 0o700); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	moduleDir, err := goModDir()
	if err != nil {
		return err
	}
	providerDir := filepath.Join(opts.Out, "provider")
	if err := bench.BuildProvider(ctx, moduleDir, providerDir); err != nil {
		return err
	}
	tfVersion, _ := exec.Command(*terraform, "version").Output()
	machine := fmt.Sprintf("%s; %d CPUs (GOMAXPROCS %d); load average at start %s; %s",
		firstLine(string(tfVersion)), runtime.NumCPU(), runtime.GOMAXPROCS(0), loadavg(), runtime.Version())
	fmt.Fprintf(os.Stderr, "bench: %s\nbench: N=%v, limits %s, %d runs, large plan %d, profile N=%d, concurrent %v (%s), output in %s\n",
		machine, opts.Ns, *limits, opts.Runs, opts.PlanN, opts.ProfileN, opts.Concurrent, *shape, opts.Out)

	start := time.Now()
	ms, runErr := bench.Run(ctx, opts, providerDir)
	machine += "; load average at end " + loadavg()
	b, _ := json.MarshalIndent(map[string]any{"machine": machine, "measurements": ms}, "", "  ")
	if err := os.WriteFile(filepath.Join(opts.Out, "results.json"), b, 0o600); err != nil {
		return err
	}
	fmt.Printf("\n%s\n\nMedians of %d runs (range in parentheses); took %v.\n\n", machine, opts.Runs, time.Since(start).Round(time.Second))
	bench.Table(os.Stdout, ms)
	fmt.Println()
	if len(opts.Concurrent) > 0 {
		bench.ConcurrentTable(os.Stdout, ms)
		fmt.Println()
	}
	bench.WriteTargets(os.Stdout, bench.Targets(ms))
	return runErr
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %q is not a number\n", s)
		os.Exit(2)
	}
	return n
}

func mustDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %q is not a duration\n", s)
		os.Exit(2)
	}
	return d
}

func goModDir() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run bench from the provider's module (make bench)")
	}
	return filepath.Dir(mod), nil
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
