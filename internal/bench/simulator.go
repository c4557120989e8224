package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// The simulator runs in a process of its own (the bench binary started
// again with SimulatorArg), so that its CPU is neither the provider's nor
// Terraform's. Before it listens for the benchmark it holds one
// organization and, when asked, members in it, created through its own API
// with rate limits off; then the limits are set as asked. Besides the API it
// answers, on the same address:
//
//	GET  /_bench/requests?from=K  the requests served since the K-th (JSON)
//	POST /_bench/reset-limits     forget the requests the windows counted
//	GET  /_bench/cpu              its own CPU time so far (JSON)
//
// It stops when its standard input closes (the benchmark ended, however).

// SimulatorArg, as the first argument, makes the bench binary the simulator.
const SimulatorArg = "simulator"

const (
	simClientID     = "bench-client"
	simClientSecret = "bench-secret"
)

// seeded is what the simulator prints, as one JSON line, once it listens.
type seeded struct {
	URL            string            `json:"url"`
	OrganizationID string            `json:"organization_id"`
	ReadOnlyRoleID string            `json:"read_only_role_id"`
	Members        map[string]string `json:"members"` // key -> membership id
}

// memberKey and memberEmail name the i-th member in the configuration.
func memberKey(i int) string   { return fmt.Sprintf("m%04d", i) }
func memberEmail(i int) string { return fmt.Sprintf("bench-%04d@example.com", i) }

// SimulatorMain is the simulator process.
func SimulatorMain(args []string) error {
	fs := flag.NewFlagSet(SimulatorArg, flag.ContinueOnError)
	limits := fs.Bool("rate-limits", false, "enforce the published rate limits")
	members := fs.Int("members", 0, "memberships to create before listening")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sim := simulator.New(simulator.Options{ClientID: simClientID, ClientSecret: simClientSecret})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	mux := http.NewServeMux()
	mux.Handle("/", sim)
	mux.HandleFunc("GET /_bench/requests", func(w http.ResponseWriter, r *http.Request) {
		from, _ := strconv.Atoi(r.URL.Query().Get("from"))
		reqs := sim.Requests()
		from = min(max(from, 0), len(reqs))
		_ = json.NewEncoder(w).Encode(reqs[from:])
	})
	mux.HandleFunc("POST /_bench/reset-limits", func(w http.ResponseWriter, _ *http.Request) {
		sim.SetRateLimits(false) // forgets what the windows counted
		sim.SetRateLimits(*limits)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_bench/cpu", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(selfCPU())
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	out, err := seed(url, *members)
	if err != nil {
		return err
	}
	sim.SetRateLimits(*limits) // the windows start empty
	sim.ResetRequests()
	line, _ := json.Marshal(out)
	fmt.Println(string(line))

	stdin := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stdin)
	}()
	select {
	case err := <-served:
		return err
	case <-stdin:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
}

// seed creates the organization and n members through the API.
func seed(url string, n int) (*seeded, error) {
	ctx := context.Background()
	c, err := provisioning.New(provisioning.Config{
		APIURL: url, AuthURL: url, ClientID: simClientID, ClientSecret: simClientSecret, DisableRateLimit: true,
	})
	if err != nil {
		return nil, err
	}
	org, err := c.Create(ctx, &jsonapi.Resource{Type: "organizations", Attributes: map[string]any{"name": "Bench"}})
	if err != nil {
		return nil, fmt.Errorf("creating the organization: %w", err)
	}
	out := &seeded{URL: url, OrganizationID: org.ID, Members: map[string]string{}}
	roles, err := c.List(ctx, "roles", provisioning.Query{Filters: map[string]string{"organization_id_eq": org.ID}})
	if err != nil {
		return nil, fmt.Errorf("listing roles: %w", err)
	}
	for _, r := range roles {
		if r.String("kind") == "read_only" {
			out.ReadOnlyRoleID = r.ID
		}
	}
	if out.ReadOnlyRoleID == "" {
		return nil, errors.New("the organization has no read_only role")
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, n)
	work := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range work {
				m := &jsonapi.Resource{Type: "memberships", Attributes: map[string]any{"user_email": memberEmail(i)}}
				m.SetRel("organization", jsonapi.ToOne("organizations", org.ID))
				m.SetRel("role", jsonapi.ToOne("roles", out.ReadOnlyRoleID))
				created, err := c.Create(ctx, m)
				if err != nil {
					errs <- fmt.Errorf("creating member %d: %w", i, err)
					continue
				}
				mu.Lock()
				out.Members[memberKey(i)] = created.ID
				mu.Unlock()
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return out, nil
}

// cpu is a process's CPU time.
type cpu struct {
	User, System time.Duration
}

func (c cpu) Total() time.Duration { return c.User + c.System }
func (c cpu) sub(d cpu) cpu        { return cpu{c.User - d.User, c.System - d.System} }
func (c cpu) add(d cpu) cpu        { return cpu{c.User + d.User, c.System + d.System} }

func selfCPU() cpu {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return cpu{}
	}
	return rusageCPU(&ru)
}

// selfMaxRSS is the process's peak resident memory in KiB.
func selfMaxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss
}

func rusageCPU(ru *syscall.Rusage) cpu {
	return cpu{time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())}
}

// simProcess is a running simulator process.
type simProcess struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	seeded
	http *http.Client
}

// startSimulator starts the bench binary as the simulator and waits for
// its line.
func startSimulator(ctx context.Context, self string, limits bool, members int, stderr io.Writer) (*simProcess, error) {
	cmd := exec.Command(self, SimulatorArg, "-rate-limits="+strconv.FormatBool(limits), "-members="+strconv.Itoa(members))
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &simProcess{cmd: cmd, stdin: stdin, http: &http.Client{Timeout: 30 * time.Second}}
	line := make(chan []byte, 1)
	go func() {
		r := bufio.NewReader(stdout)
		b, _ := r.ReadBytes('\n')
		line <- b
		_, _ = io.Copy(io.Discard, r)
	}()
	select {
	case b := <-line:
		if err := json.Unmarshal(b, &p.seeded); err != nil || p.URL == "" {
			p.stop()
			return nil, fmt.Errorf("the simulator did not start (%q)", b)
		}
	case <-time.After(5 * time.Minute):
		p.stop()
		return nil, errors.New("the simulator did not start within 5 minutes")
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
	return p, nil
}

// stop closes the simulator's input and waits for it (killing it after 10 s).
func (p *simProcess) stop() {
	_ = p.stdin.Close()
	done := make(chan struct{})
	go func() {
		_ = p.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

func (p *simProcess) requests(from int) ([]simulator.Request, error) {
	var out []simulator.Request
	return out, p.getJSON("/_bench/requests?from="+strconv.Itoa(from), &out)
}

func (p *simProcess) cpu() (cpu, error) {
	var out cpu
	return out, p.getJSON("/_bench/cpu", &out)
}

func (p *simProcess) resetLimits() error {
	res, err := p.http.Post(p.URL+"/_bench/reset-limits", "", nil)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		return fmt.Errorf("reset-limits: %s", res.Status)
	}
	return nil
}

func (p *simProcess) getJSON(path string, v any) error {
	res, err := p.http.Get(p.URL + path)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", path, res.Status)
	}
	return json.NewDecoder(res.Body).Decode(v)
}
