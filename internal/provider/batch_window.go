package provider

import "time"

// refreshBatchWindow is how long the client collects concurrent reads of
// one type into one list request (provisioning.Config.BatchWindow).
//
// Terraform's workers do not read at the same instant: each reads its next
// object after its own CPU work on the previous one (decoding, planning,
// state), so in a refresh the reads arrive one every few to few tens of
// milliseconds: a window of tens of milliseconds gathers them where the
// client's 2 ms default would not (figures: internal/bench/README.md).
//
// What it costs: a lone read (none of its type within the last 500 ms) is
// sent at once and waits for nothing; in a refresh, a batch is sent as soon as
// every worker waits in it, and a read waits at most 100 ms for the others.
const refreshBatchWindow = 50 * time.Millisecond
