package provider

import "time"

// refreshBatchWindow is how long the client collects concurrent reads of
// one type into one list request (provisioning.Config.BatchWindow).
//
// Terraform's workers do not read at the same instant: each reads its next
// object after its own CPU work on the previous one (decoding, planning,
// state), so in a refresh the reads arrive one every few to few tens of
// milliseconds. Measured with a real Terraform CLI (internal/bench, `make
// bench`), a no-change plan of 150 memberships sent 84 GETs with the 2 ms
// provisioning.DefaultBatchWindow, 33 with 25 ms and 22 with 50 ms; with the
// batcher's burst rules (batch.go) it sends 16 at the default parallelism
// (1 lone + 15 lists of 10) and 7 at -parallelism=25 (1 + 6 lists of 25).
//
// What it costs: a lone read (none of its type within the last 500 ms) is
// sent at once and waits for nothing; in a refresh, a batch is sent as soon as
// every worker waits in it, and a read waits at most 100 ms for the others.
const refreshBatchWindow = 50 * time.Millisecond
