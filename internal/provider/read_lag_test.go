package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// replicaLag is how long the simulator's reads miss a new object in the
// read-lag tests: reads of a new object fail for 2 s, as a lagging replica's.
const replicaLag = 2 * time.Second

// Reads that lag behind writes (a replica that has not seen the create yet)
// are not deletions: the first apply of a whole organization converges, the
// plan right after it is empty, and the API holds exactly what the state
// knows. The role assignment reads the application created moments before.
func TestAccReadLagRealisticOrganization(t *testing.T) {
	env := newTestEnv(t, func(o *simulator.Options) { o.ReadLag = replicaLag })
	env.needSim() // lags the reads
	config := env.config(realisticOrganization)
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{Config: config, Check: env.exactlyWhatStateKnows},
		{Config: config, PlanOnly: true},
		{Config: config, Check: env.exactlyWhatStateKnows},
	}})
}
