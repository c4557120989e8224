package provider

import (
	"runtime/debug"
	"testing"
)

func TestTuneGCLeavesTheUsersChoice(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	TuneGC()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Fatalf("GOGC unset: GC percent %d, want %d", got, gcPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != memoryLimit {
		t.Fatalf("GOMEMLIMIT unset: memory limit %d, want %d", got, memoryLimit)
	}

	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "50") // the runtime read it at start; TuneGC must not override it
			debug.SetGCPercent(100)
			TuneGC()
			if got := debug.SetGCPercent(100); got != 100 {
				t.Fatalf("%s set: TuneGC changed the GC percent to %d", env, got)
			}
		})
	}
}
