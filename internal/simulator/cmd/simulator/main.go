// Command simulator serves the in-memory Provisioning API on a loopback
// address, for `make demo` and for trying the provider without an account.
//
// When it is ready it prints exactly one line to stdout,
//
//	simulator listening on http://127.0.0.1:PORT
//
// which scripts parse; everything else goes to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "simulator:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("simulator", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "loopback `host:port` to listen on (port 0: any free port)")
	opts := simulator.Options{}
	fs.StringVar(&opts.ClientID, "client-id", "", "client_id accepted by /oauth/token (required)")
	fs.StringVar(&opts.ClientSecret, "client-secret", "", "client_secret accepted by /oauth/token (required)")
	logPath := fs.String("requests-log", "", "append one JSON line per request to `FILE`")
	fs.BoolVar(&opts.NonEnterprise, "non-enterprise", false, "serve a non-Enterprise plan (no custom roles, no identity providers)")
	fs.DurationVar(&opts.TokenTTL, "token-ttl", simulator.DefaultTokenTTL, "lifetime of access tokens")
	fs.BoolVar(&opts.RateLimits, "rate-limits", false, "enforce the published rate limits (429 with Retry-After)")
	fs.DurationVar(&opts.ReadLag, "read-lag", 0, "GETs miss objects created less than `DURATION` ago, as a lagging read replica would (0: off)")
	fs.StringVar(&opts.UserEmail, "user-email", "", "email of the signed-in user (default owner@example.com)")
	fs.BoolVar(&opts.MaskSecrets, "mask-secrets", false, "render identity providers' client_secret masked instead of in clear")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if opts.ClientID == "" || opts.ClientSecret == "" {
		return errors.New("-client-id and -client-secret are required")
	}
	if err := checkLoopback(*addr); err != nil {
		return err
	}
	if *logPath != "" {
		f, err := os.OpenFile(*logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		opts.RequestsLog = f
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: simulator.New(opts), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "simulator listening on http://%s\n", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// checkLoopback refuses to serve anywhere but on this machine: the
// simulator accepts fixed credentials and has no TLS.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-addr %q: only loopback addresses (127.0.0.1, ::1, localhost) are allowed", addr)
	}
	return nil
}
