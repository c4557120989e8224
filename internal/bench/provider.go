package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provider"
)

// The provider runs as Terraform runs it in use: a binary it starts itself
// (through a dev_overrides CLI configuration), several times per command,
// reading its logs from its stderr. The binary is this package's provider
// command, which serves exactly what main.go serves and, when the benchmark
// asks through the environment, records itself:
//
//	CLPROVISIONING_BENCH_OUT          a directory: at exit the process writes its CPU time
//	                                  there, as provider-<pid>.json
//	CLPROVISIONING_BENCH_CPUPROFILE=1 and a CPU profile of its whole life, provider-<pid>.pprof
const (
	envOut     = "CLPROVISIONING_BENCH_OUT"
	envProfile = "CLPROVISIONING_BENCH_CPUPROFILE"
)

// providerRecord is what a provider process writes at exit.
type providerRecord struct {
	PID        int           `json:"pid"`
	CPU        cpu           `json:"cpu"`
	MaxRSS     int64         `json:"max_rss_kib"`
	Lifetime   time.Duration `json:"lifetime"`
	ServeError string        `json:"serve_error,omitempty"`
}

// ProviderMain serves the provider as main.go does, recording itself.
func ProviderMain() error {
	start := time.Now()
	dir := os.Getenv(envOut)
	var prof *os.File
	if dir != "" && os.Getenv(envProfile) == "1" {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("provider-%d.pprof", os.Getpid())))
		if err == nil && pprof.StartCPUProfile(f) == nil {
			prof = f
		}
	}
	provider.SilenceUnreadLogs() // as main.go does
	provider.TuneGC()
	err := providerserver.Serve(context.Background(), provider.New("bench"), providerserver.ServeOpts{
		Address: provider.Address,
	})
	if prof != nil {
		pprof.StopCPUProfile()
		_ = prof.Close()
	}
	if dir != "" {
		rec := providerRecord{PID: os.Getpid(), CPU: selfCPU(), MaxRSS: selfMaxRSS(), Lifetime: time.Since(start)}
		if err != nil {
			rec.ServeError = err.Error()
		}
		b, _ := json.Marshal(rec)
		_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("provider-%d.json", os.Getpid())), b, 0o600)
	}
	return err
}
