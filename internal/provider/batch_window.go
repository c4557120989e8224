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
// provisioning.DefaultBatchWindow and 22 with 50 ms; 25 ms gave 33.
//
// What it costs: a lone read (none of its type within the last 50 ms) is
// sent at once and waits for nothing; a read that comes while others come
// waits up to 50 ms to be collected with them, and a refresh reads
// at most Terraform's parallelism of objects per 50 ms (200 objects/s at the
// default 10), which is about what the API's read limits allow at that
// batch size anyway (250 requests per 10 s per endpoint, 1000/min overall).
const refreshBatchWindow = 50 * time.Millisecond
