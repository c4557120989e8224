package bench

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// group is the runs of one figure: a scenario, N, limits and operation.
type group struct {
	scenario string
	n        int
	limits   bool
	op       string
	runs     []Measurement
}

var opOrder = []string{OpImport, OpApply, OpPlan, OpPlan25, OpPlanNoRefr, OpPlanProfile, OpDestroy}

func groups(ms []Measurement) []*group {
	var out []*group
	for _, m := range ms {
		i := slices.IndexFunc(out, func(g *group) bool {
			return g.scenario == m.Scenario && g.n == m.N && g.limits == m.Limits && g.op == m.Op
		})
		if i < 0 {
			out = append(out, &group{scenario: m.Scenario, n: m.N, limits: m.Limits, op: m.Op})
			i = len(out) - 1
		}
		out[i].runs = append(out[i].runs, m)
	}
	slices.SortStableFunc(out, func(a, b *group) int {
		return cmp.Or(
			cmp.Compare(a.scenario, b.scenario), // large-plan after memberships
			cmp.Compare(a.n, b.n),
			-cmp.Compare(boolInt(a.limits), boolInt(b.limits)),
			cmp.Compare(slices.Index(opOrder, a.op), slices.Index(opOrder, b.op)),
		)
	})
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// median of the values (the mean of the middle two for an even count).
func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func (g *group) values(f func(*Measurement) float64) []float64 {
	out := make([]float64, len(g.runs))
	for i := range g.runs {
		out[i] = f(&g.runs[i])
	}
	return out
}

func (g *group) median(f func(*Measurement) float64) float64 { return median(g.values(f)) }

// spread formats a median with its range when the runs differ.
func spread(v []float64, format string) string {
	m := fmt.Sprintf(format, median(v))
	lo, hi := fmt.Sprintf(format, slices.Min(v)), fmt.Sprintf(format, slices.Max(v))
	if len(v) < 2 || lo == hi {
		return m
	}
	return fmt.Sprintf("%s (%s–%s)", m, lo, hi)
}

func secs(d time.Duration) float64 { return d.Seconds() }

// Table writes the measurements as a Markdown table: medians over the runs,
// with the range of the runs in parentheses where they differ.
func Table(w io.Writer, ms []Measurement) {
	if !slices.ContainsFunc(ms, func(m Measurement) bool { return !isConcurrent(m.Scenario) }) {
		return
	}
	fmt.Fprintln(w, "| memberships | limits | operation | GET | POST | DELETE | token | 429 | wall s | floor s | wall/floor | CPU s: Terraform / provider / simulator |")
	fmt.Fprintln(w, "|---:|:---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, g := range groups(ms) {
		if isConcurrent(g.scenario) {
			continue // ConcurrentTable
		}
		floor, ratio := g.floorRatio()
		objects := fmt.Sprintf("%d", g.n)
		if g.scenario == "large-plan" {
			objects += " (seeded)"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f / %.2f / %.2f |\n",
			objects, onOff(g.limits), g.op,
			g.count(func(m *Measurement) int { return m.Methods["GET"] }),
			g.count(func(m *Measurement) int { return m.Methods["POST"] }),
			g.count(func(m *Measurement) int { return m.Methods["DELETE"] }),
			g.count(func(m *Measurement) int { return m.Token }),
			g.count(func(m *Measurement) int { return m.Status[429] }),
			spread(g.values(func(m *Measurement) float64 { return secs(m.Wall) }), "%.1f"),
			floor, ratio,
			g.median(func(m *Measurement) float64 { return secs(m.TerraformCPU) }),
			g.median(func(m *Measurement) float64 { return secs(m.ProviderCPU) }),
			g.median(func(m *Measurement) float64 { return secs(m.SimulatorCPU) }),
		)
	}
}

// Target is one of the targets, checked.
type Target struct {
	Name   string
	Met    bool
	Detail string
}

// Targets checks the targets on the measurements that bear on them
// (those whose figures were not measured are left out).
func Targets(ms []Measurement) []Target {
	find := func(scenario string, n int, limits bool, op string) *group {
		for _, g := range groups(ms) {
			if g.scenario == scenario && g.n == n && g.limits == limits && g.op == op {
				return g
			}
		}
		return nil
	}
	var out []Target
	for _, t := range []struct {
		n     int
		bound float64
	}{{150, 1.25}, {500, 1.1}} {
		if g := find("memberships", t.n, true, OpApply); g != nil {
			r := g.median(func(m *Measurement) float64 { return m.Ratio() })
			out = append(out, Target{
				Name: fmt.Sprintf("apply of %d memberships ≤ %.2f × its floor", t.n, t.bound),
				Met:  r <= t.bound,
				Detail: fmt.Sprintf("wall %.1f s, floor %.0f s: %.2f × (runs: %s)", g.median(func(m *Measurement) float64 { return secs(m.Wall) }),
					g.median(func(m *Measurement) float64 { return secs(m.Floor) }), r, list(g.values(func(m *Measurement) float64 { return m.Ratio() }), "%.2f")),
			})
		}
	}
	n429, total := 0, 0
	for _, m := range ms {
		if m.Limits && !isConcurrent(m.Scenario) { // the concurrent scenario has targets of its own
			n429 += m.Status[429]
			total += m.Requests()
		}
	}
	if total > 0 {
		out = append(out, Target{Name: "no request refused with 429 (limits on)", Met: n429 == 0,
			Detail: fmt.Sprintf("%d of %d requests", n429, total)})
	}
	if g := find("memberships", 150, true, OpPlan); g != nil {
		r := g.values(func(m *Measurement) float64 { return float64(m.Requests()) })
		out = append(out, Target{Name: "no-change plan of 151 objects at the default parallelism: ≤ 40 requests",
			Met: slices.Max(r) <= 40, Detail: fmt.Sprintf("requests per run: %s (token and data source included)", list(r, "%.0f"))})
	}
	for _, g := range groups(ms) {
		if g.scenario == "memberships" && g.limits && g.op == OpPlan25 {
			gets := g.values(func(m *Measurement) float64 { return float64(m.Methods["GET"]) })
			ideal := (g.n + 24) / 25
			out = append(out, Target{Name: fmt.Sprintf("no-change plan of %d+1 objects at -parallelism=25: close to N/25", g.n),
				Met:    slices.Max(gets) <= float64(ideal)+2, // + the data source's list, + one straggler batch
				Detail: fmt.Sprintf("GETs per run: %s; ⌈N/25⌉ = %d, plus 1 for the data source", list(gets, "%.0f"), ideal)})
		}
	}
	for _, g := range groups(ms) {
		if g.scenario != "large-plan" || g.op != OpPlan {
			continue
		}
		alone := find("large-plan", g.n, g.limits, OpPlanNoRefr)
		if alone == nil {
			continue
		}
		with := g.median(func(m *Measurement) float64 { return secs(m.Wall) })
		without := alone.median(func(m *Measurement) float64 { return secs(m.Wall) })
		out = append(out, Target{Name: fmt.Sprintf("no-change plan of %d+1 objects ≤ 1.2 × Terraform alone (-refresh=false)", g.n),
			Met:    with <= 1.2*without,
			Detail: fmt.Sprintf("%.1f s with refresh, %.1f s without: %.2f × (runs: %s vs %s)", with, without, with/without, list(g.values(func(m *Measurement) float64 { return secs(m.Wall) }), "%.1f"), list(alone.values(func(m *Measurement) float64 { return secs(m.Wall) }), "%.1f"))})
	}
	return append(out, concurrentTargets(ms)...)
}

func isConcurrent(scenario string) bool { return strings.HasPrefix(scenario, "concurrent") }

// ConcurrentTable writes the concurrent scenario's measurements (if any) as
// a Markdown table, the shared cache on and off side by side.
func ConcurrentTable(w io.Writer, ms []Measurement) {
	var gs []*group
	for _, g := range groups(ms) {
		if isConcurrent(g.scenario) {
			gs = append(gs, g)
		}
	}
	if len(gs) == 0 {
		return
	}
	slices.SortStableFunc(gs, func(a, b *group) int {
		return cmp.Or(cmp.Compare(a.op, b.op), cmp.Compare(a.scenario, b.scenario))
	})
	fmt.Fprintln(w, "| operation | shared cache | failures | GET | POST | token | token, most in 60 s | 429 | wall s | floor s | wall/floor | CPU s: Terraform / provider / simulator |")
	fmt.Fprintln(w, "|---|:---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, g := range gs {
		floor, ratio := g.floorRatio()
		shared := "on"
		if g.scenario == concurrentScenario(ModeUnshared) {
			shared = "off"
		}
		fmt.Fprintf(w, "| %s × %d memberships | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f / %.2f / %.2f |\n",
			g.op, g.n, shared,
			g.count(func(m *Measurement) int { return m.Failures }),
			g.count(func(m *Measurement) int { return m.Methods["GET"] }),
			g.count(func(m *Measurement) int { return m.Methods["POST"] }),
			g.count(func(m *Measurement) int { return m.Token }),
			g.count(func(m *Measurement) int { return m.TokenPerMinute }),
			g.count(func(m *Measurement) int { return m.Status[429] }),
			spread(g.values(func(m *Measurement) float64 { return secs(m.Wall) }), "%.1f"),
			floor, ratio,
			g.median(func(m *Measurement) float64 { return secs(m.TerraformCPU) }),
			g.median(func(m *Measurement) float64 { return secs(m.ProviderCPU) }),
			g.median(func(m *Measurement) float64 { return secs(m.SimulatorCPU) }),
		)
	}
}

// concurrentTargets checks the concurrent scenario's targets on its runs
// with the shared cache, quoting the runs without it beside them.
func concurrentTargets(ms []Measurement) []Target {
	var out []Target
	baseline := func(g *group) string {
		for _, u := range groups(ms) {
			if u.scenario == concurrentScenario(ModeUnshared) && u.op == g.op && u.n == g.n {
				return fmt.Sprintf("; without the shared cache: failures %s, 429s %s of %s requests, token requests %s (most in 60 s %s), wall %s s",
					list(u.values(func(m *Measurement) float64 { return float64(m.Failures) }), "%.0f"),
					list(u.values(func(m *Measurement) float64 { return float64(m.Status[429]) }), "%.0f"),
					list(u.values(func(m *Measurement) float64 { return float64(m.Requests()) }), "%.0f"),
					list(u.values(func(m *Measurement) float64 { return float64(m.Token) }), "%.0f"),
					list(u.values(func(m *Measurement) float64 { return float64(m.TokenPerMinute) }), "%.0f"),
					list(u.values(func(m *Measurement) float64 { return secs(m.Wall) }), "%.1f"))
			}
		}
		return ""
	}
	for _, g := range groups(ms) {
		if g.scenario != concurrentScenario(ModeShared) {
			continue
		}
		failures := slices.Max(g.values(func(m *Measurement) float64 { return float64(m.Failures) }))
		switch {
		case strings.HasSuffix(g.op, OpApplies):
			share429 := g.values(func(m *Measurement) float64 { return float64(m.Status[429]) / float64(max(m.Requests(), 1)) })
			r := g.median(func(m *Measurement) float64 { return m.Ratio() })
			out = append(out, Target{
				Name: fmt.Sprintf("%s × %d memberships: 0 failures, 429s ≤ 1 %% of requests, wall ≤ 1.15 × the floor", g.op, g.n),
				Met:  failures == 0 && slices.Max(share429) <= 0.01 && r <= 1.15,
				Detail: fmt.Sprintf("failures %s; 429s %s of %s requests; wall %.1f s, floor %.0f s: %.2f × (runs: %s)%s",
					list(g.values(func(m *Measurement) float64 { return float64(m.Failures) }), "%.0f"),
					list(g.values(func(m *Measurement) float64 { return float64(m.Status[429]) }), "%.0f"),
					list(g.values(func(m *Measurement) float64 { return float64(m.Requests()) }), "%.0f"),
					g.median(func(m *Measurement) float64 { return secs(m.Wall) }), g.median(func(m *Measurement) float64 { return secs(m.Floor) }),
					r, list(g.values(func(m *Measurement) float64 { return m.Ratio() }), "%.2f"), baseline(g)),
			})
		case strings.HasSuffix(g.op, OpPlans):
			perMin := g.values(func(m *Measurement) float64 { return float64(m.TokenPerMinute) })
			lim := float64(Published["token"].All.N)
			out = append(out, Target{
				Name: fmt.Sprintf("%s (%d memberships each): 0 failures, token requests within the token endpoint's %.0f a minute", g.op, g.n, lim),
				Met:  failures == 0 && slices.Max(perMin) <= lim,
				Detail: fmt.Sprintf("failures %s; token requests %s (most in 60 s: %s); 429s %s; wall %s s%s",
					list(g.values(func(m *Measurement) float64 { return float64(m.Failures) }), "%.0f"),
					list(g.values(func(m *Measurement) float64 { return float64(m.Token) }), "%.0f"),
					list(perMin, "%.0f"),
					list(g.values(func(m *Measurement) float64 { return float64(m.Status[429]) }), "%.0f"),
					list(g.values(func(m *Measurement) float64 { return secs(m.Wall) }), "%.1f"), baseline(g)),
			})
		}
	}
	return out
}

func list(v []float64, format string) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf(format, x)
	}
	return strings.Join(parts, ", ")
}

// WriteTargets writes the targets as a list.
func WriteTargets(w io.Writer, ts []Target) {
	for _, t := range ts {
		mark := "met"
		if !t.Met {
			mark = "NOT MET"
		}
		fmt.Fprintf(w, "- %s: **%s** — %s\n", t.Name, mark, t.Detail)
	}
}

// count is one count of the group's runs: the median, with the range where
// the runs differ.
func (g *group) count(f func(*Measurement) int) string {
	return spread(g.values(func(m *Measurement) float64 { return float64(f(m)) }), "%.0f")
}

// floorRatio is the group's floor and wall/floor, or dashes where it has no
// floor (plans).
func (g *group) floorRatio() (floor, ratio string) {
	if g.median(func(m *Measurement) float64 { return secs(m.Floor) }) <= 0 {
		return "–", "–"
	}
	return spread(g.values(func(m *Measurement) float64 { return secs(m.Floor) }), "%.0f"),
		spread(g.values(func(m *Measurement) float64 { return m.Ratio() }), "%.2f")
}
