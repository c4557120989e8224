package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// realisticOrganization is an organization as users onboard it: custom
// roles and their permissions, profiles, people, API credentials, who may
// use which app (one by one and in bulk).
const realisticOrganization = `
resource "clprovisioning_organization" "org" { name = "Exactly Once Org" }

resource "clprovisioning_role" "r" {
  count           = 2
  organization_id = clprovisioning_organization.org.id
  name            = ["warehouse", "support"][count.index]
}

resource "clprovisioning_permission" "p" {
  count    = 6
  role_id  = clprovisioning_role.r[count.index %% 2].id
  subject  = ["orders", "skus", "shipments"][floor(count.index / 2)]
  can_read = true
}

resource "clprovisioning_membership_profile" "team" {
  count           = 3
  organization_id = clprovisioning_organization.org.id
  name            = ["ops", "care", "finance"][count.index]
}

resource "clprovisioning_membership" "person" {
  count                 = 12
  organization_id       = clprovisioning_organization.org.id
  user_email            = "person${count.index}@exactly-once.example"
  role_id               = clprovisioning_role.r[count.index %% 2].id
  membership_profile_id = clprovisioning_membership_profile.team[count.index %% 3].id
}

resource "clprovisioning_api_credential" "app" {
  count           = 2
  organization_id = clprovisioning_organization.org.id
  name            = ["orders", "imports"][count.index]
  kind            = "integration"
  role_id         = clprovisioning_role.r[0].id
}

resource "clprovisioning_api_credential" "dashboard_app" {
  organization_id = clprovisioning_organization.org.id
  name            = "Orders app"
  kind            = "orders"
}

resource "clprovisioning_application_membership" "one" {
  count             = 4
  organization_id   = clprovisioning_organization.org.id
  api_credential_id = clprovisioning_api_credential.dashboard_app.id
  membership_id     = clprovisioning_membership.person[count.index].id
  role_id           = clprovisioning_role.r[1].id
}

resource "clprovisioning_role_assignment" "people" {
  api_credential_id = clprovisioning_api_credential.dashboard_app.id
  role_id           = clprovisioning_role.r[0].id
  entity_type       = "membership"
  entity_ids        = [for p in slice(clprovisioning_membership.person, 4, 12) : p.id]
}

resource "clprovisioning_role_assignment" "teams" {
  api_credential_id = clprovisioning_api_credential.dashboard_app.id
  role_id           = clprovisioning_role.r[1].id
  entity_type       = "membership_profile"
  entity_ids        = clprovisioning_membership_profile.team[*].id
  filters           = { market_id_in = [1, 2] }
}
`

// One apply converges while the network loses answers: 15 % of write
// answers are lost after the API acted (dropped connections, 502, 503) and
// 5 % of reads fail. The apply succeeds the first time, the next plan is
// empty, and the API holds exactly the objects the state knows: no
// duplicate, no orphan.
func TestAccExactlyOnceUnderLostAnswers(t *testing.T) {
	exactlyOnceUnderLostAnswers(t, newTestEnv(t))
}

// The same while reads lag behind writes: a lookup after a lost answer
// that sees nothing yet must not send a duplicate.
func TestAccExactlyOnceUnderLostAnswersAndReadLag(t *testing.T) {
	exactlyOnceUnderLostAnswers(t, newTestEnv(t, func(o *simulator.Options) { o.ReadLag = replicaLag }))
}

func exactlyOnceUnderLostAnswers(t *testing.T, env *testEnv) {
	env.needSim()
	faults := func() {
		env.sim.ResetRequests()
		for _, method := range []string{http.MethodPost, http.MethodPatch, http.MethodDelete} {
			// 5 % each, evaluated one after the other: 1-0.95^3 ≈ 14.3 %, plus rounding ≈ 15 %.
			env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultDrop, Method: method, PathPrefix: "/api/", Rate: 0.055, AfterHandling: true})
			env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Status: 502, Method: method, PathPrefix: "/api/", Rate: 0.05, AfterHandling: true})
			env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Status: 503, Method: method, PathPrefix: "/api/", Rate: 0.05, AfterHandling: true})
		}
		env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Status: 503, Method: http.MethodGet, PathPrefix: "/api/", Rate: 0.05})
	}
	report := func(*terraform.State) error {
		lost, writes, reads, failedReads := 0, 0, 0, 0
		for _, r := range env.sim.Requests() {
			switch r.Method {
			case http.MethodGet:
				reads++
				if r.Status == 503 {
					failedReads++
				}
			case http.MethodPost, http.MethodPatch, http.MethodDelete:
				writes++
				if r.Status == 0 || r.Status == 502 || r.Status == 503 {
					lost++
				}
			}
		}
		t.Logf("faulted apply: %d writes (%d answers lost after the API acted), %d reads (%d failed)", writes, lost, reads, failedReads)
		env.sim.ClearFaults()
		if lost == 0 {
			return fmt.Errorf("no answer was lost: the test proves nothing")
		}
		return nil
	}
	config := env.config(realisticOrganization)
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{
			PreConfig: faults,
			Config:    config,
			Check:     resource.ComposeAggregateTestCheckFunc(report, env.exactlyWhatStateKnows),
		},
		{
			Config:   config,
			PlanOnly: true, // the next plan is empty
		},
	}})
}

// exactlyWhatStateKnows compares, type by type, the objects of the
// organization in the API with those in the state: a duplicate or an orphan
// is an object the API has and the state does not.
func (e *testEnv) exactlyWhatStateKnows(s *terraform.State) error {
	ctx := context.Background()
	org := s.RootModule().Resources["clprovisioning_organization.org"].Primary.ID
	inState := map[string]map[string]bool{}
	for _, r := range s.RootModule().Resources {
		typ := strings.TrimPrefix(r.Type, "clprovisioning_")
		if typ == "role_assignment" {
			for k, v := range r.Primary.Attributes {
				if strings.HasPrefix(k, "application_membership_ids.") && k != "application_membership_ids.%" {
					add(inState, "application_memberships", v)
				}
			}
			continue
		}
		add(inState, typ+"s", r.Primary.ID)
	}
	var problems []string
	for _, typ := range []string{"roles", "permissions", "membership_profiles", "memberships", "api_credentials", "application_memberships"} {
		all, err := e.client.List(ctx, typ, provisioning.Query{Filters: map[string]string{"organization_id_eq": org}})
		if err != nil {
			return err
		}
		for _, o := range all {
			if inState[typ][o.ID] || builtIn(typ, &o) {
				continue
			}
			problems = append(problems, fmt.Sprintf("%s %s (%s) is in the API but in no state", typ, o.ID, describeObject(&o)))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d duplicates or orphans:\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	return nil
}

func add(m map[string]map[string]bool, typ, id string) {
	if m[typ] == nil {
		m[typ] = map[string]bool{}
	}
	m[typ][id] = true
}

// builtIn tells the objects the API makes with every organization.
func builtIn(typ string, o *jsonapi.Resource) bool {
	switch typ {
	case "roles":
		return o.String("kind") != "custom"
	case "memberships":
		return o.Bool("owner")
	case "api_credentials":
		return o.String("kind") == "resources"
	}
	return false
}

func describeObject(o *jsonapi.Resource) string {
	for _, k := range []string{"name", "user_email", "subject"} {
		if v := o.String(k); v != "" {
			return k + " " + v
		}
	}
	return "no name"
}
