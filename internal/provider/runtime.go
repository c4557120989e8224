package provider

import (
	"os"
	"runtime/debug"
)

// Garbage collection of a provider process. Almost all it allocates is the
// framework's per-request work (schema maps rebuilt on every attribute path
// step, reflection, tftypes conversions): short-lived garbage over a small
// live heap, so the Go default (a collection each time the heap doubles)
// spends much of the provider's CPU collecting; a higher GOGC trades memory
// for that CPU (figures: internal/bench/README.md).
const (
	gcPercent   = 400
	memoryLimit = 1 << 30 // a soft limit: the collector works harder near it
)

// TuneGC sets the collector for a provider process, unless the user chose
// with GOGC or GOMEMLIMIT. main.go calls it before serving.
func TuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(memoryLimit)
}
