package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// exactlyOne checks that one object of a type has the name: retries must
// never create duplicates.
func (e *testEnv) exactlyOne(typ, name string) resource.TestCheckFunc {
	const want = 1
	return func(*terraform.State) error {
		all, err := e.client.List(context.Background(), typ, provisioning.Query{Filters: map[string]string{"name_eq": name}})
		if err != nil {
			return err
		}
		if len(all) != want {
			return fmt.Errorf("%d %s named %q, want %d", len(all), typ, name, want)
		}
		return nil
	}
}

// An apply rides out 429s (honouring Retry-After), 5xx answers and dropped
// connections, and creates nothing twice.
func TestAccFaultsAreRetried(t *testing.T) {
	env := newTestEnv(t)
	env.needSim()
	config := env.config(`
resource "clprovisioning_organization" "org" { name = "Faulty Org" }
resource "clprovisioning_role" "role" {
  organization_id = clprovisioning_organization.org.id
  name            = "Retried"
}
resource "clprovisioning_permission" "p" {
  count    = 3
  role_id  = clprovisioning_role.role.id
  subject  = ["orders", "skus", "shipments"][count.index]
  can_read = true
}
`)
	env.test(resource.TestCase{Steps: []resource.TestStep{
		{
			PreConfig: func() {
				env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Method: "POST", PathPrefix: "/api/roles", Status: 429, RetryAfter: time.Second, Count: 2})
				env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Method: "POST", PathPrefix: "/api/permissions", Status: 429, RetryAfter: time.Second, Count: 1})
				env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultDrop, Method: "GET", PathPrefix: "/api/roles", Count: 1})
				env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Method: "GET", PathPrefix: "/api/permissions", Status: 503, Count: 2})
				env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Method: "GET", PathPrefix: "/api/organizations", Status: 502, Count: 1})
			},
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				env.exactlyOne("roles", "Retried"),
				resource.TestCheckResourceAttr("clprovisioning_permission.p.2", "subject", "shipments"),
			),
		},
		{
			// Updates (PATCH) are retried after a dropped connection too.
			PreConfig: func() {
				env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultDrop, Method: "PATCH", PathPrefix: "/api/roles", Count: 1})
			},
			Config: regexp.MustCompile(`"Retried"`).ReplaceAllString(config, `"Retried twice"`),
			Check:  env.exactlyOne("roles", "Retried twice"),
		},
	}})
}

// A POST whose answer is lost after the API acted on it (dropped
// connection, 502) is not blindly retried: the provider looks the object up
// by its natural key among those created since, and adopts it. A POST that
// failed before the API acted (503) is sent again. Either way: one object.
func TestAccLostCreateIsAdopted(t *testing.T) {
	env := newTestEnv(t)
	env.needSim()
	var profileID, membershipID string
	env.test(resource.TestCase{Steps: []resource.TestStep{{
		PreConfig: func() {
			env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultDrop, Method: "POST", PathPrefix: "/api/membership_profiles", Count: 1, AfterHandling: true})
			env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Status: 502, Method: "POST", PathPrefix: "/api/memberships", Count: 1, AfterHandling: true})
			env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultStatus, Status: 503, Method: "POST", PathPrefix: "/api/roles", Count: 1})
		},
		Config: env.config(`
resource "clprovisioning_organization" "org" { name = "Lost Answer Org" }
resource "clprovisioning_membership_profile" "p" {
  organization_id = clprovisioning_organization.org.id
  name            = "Only once"
}
resource "clprovisioning_role" "r" {
  organization_id = clprovisioning_organization.org.id
  name            = "Sent twice, made once"
}
resource "clprovisioning_membership" "m" {
  organization_id = clprovisioning_organization.org.id
  user_email      = "Lost.Answer@example.com"
  role_id         = clprovisioning_organization.org.read_only_role_id
}
`),
		Check: resource.ComposeAggregateTestCheckFunc(
			env.exactlyOne("membership_profiles", "Only once"),
			env.exactlyOne("roles", "Sent twice, made once"),
			capture("clprovisioning_membership_profile.p", "id", &profileID),
			capture("clprovisioning_membership.m", "id", &membershipID),
			// each lost create: 1 POST, and 1 list to find what it made
			env.requests(map[string]int{
				"POST /api/membership_profiles*": 1,
				"POST /api/memberships*":         1,
				"POST /api/roles*":               2,
			}),
			env.exactlyWhatStateKnows,
		),
	}}})
}

// Every attempt of a create loses its answer while reads lag behind: the
// first POST made the application membership, the API refused the others
// (it exists) but their answers were lost too. Before giving up, the last
// lookup outwaits the lag and finds the first POST's object by its mark.
func TestAccEveryAnswerOfACreateLostUnderReadLag(t *testing.T) {
	env := newTestEnv(t, func(o *simulator.Options) { o.ReadLag = replicaLag })
	env.needSim()
	env.test(resource.TestCase{Steps: []resource.TestStep{{
		PreConfig: func() {
			env.sim.InjectFault(simulator.Fault{Kind: simulator.FaultDrop, Method: "POST", PathPrefix: "/api/application_memberships", Count: createAttempts, AfterHandling: true})
		},
		Config: env.config(`
resource "clprovisioning_organization" "org" { name = "Every Answer Lost Org" }
resource "clprovisioning_membership" "m" {
  organization_id = clprovisioning_organization.org.id
  user_email      = "every.answer.lost@example.com"
  role_id         = clprovisioning_organization.org.read_only_role_id
}
resource "clprovisioning_api_credential" "app" {
  organization_id = clprovisioning_organization.org.id
  name            = "Orders app"
  kind            = "orders"
}
resource "clprovisioning_application_membership" "am" {
  organization_id   = clprovisioning_organization.org.id
  api_credential_id = clprovisioning_api_credential.app.id
  membership_id     = clprovisioning_membership.m.id
  role_id           = clprovisioning_organization.org.read_only_role_id
}
`),
		Check: resource.ComposeAggregateTestCheckFunc(
			env.requests(map[string]int{"POST /api/application_memberships*": createAttempts}),
			env.exactlyWhatStateKnows,
		),
	}}})
}

// An object that exists but that no state knows (an interrupted run made
// it, or someone did by hand) is never adopted silently: the error names it
// and gives the import block.
func TestAccExistingObjectGetsImportBlock(t *testing.T) {
	env := newTestEnv(t)
	env.needSim()
	org := `resource "clprovisioning_organization" "org" { name = "Import Block Org" }
`
	var orgID, roleID string
	env.test(resource.TestCase{Steps: []resource.TestStep{{
		Config: env.config("%s", org),
		Check: resource.ComposeAggregateTestCheckFunc(
			capture("clprovisioning_organization.org", "id", &orgID),
			capture("clprovisioning_organization.org", "read_only_role_id", &roleID),
		),
	}, {
		PreConfig: func() {
			for _, body := range []*jsonapi.Resource{
				{Type: "memberships", Attributes: map[string]any{"user_email": "made.by.hand@example.com"},
					Relationships: map[string]jsonapi.Relationship{
						"organization": jsonapi.ToOne("organizations", orgID),
						"role":         jsonapi.ToOne("roles", roleID),
					}},
				{Type: "membership_profiles", Attributes: map[string]any{"name": "Made by hand", "access_scope": "live_access"},
					Relationships: map[string]jsonapi.Relationship{"organization": jsonapi.ToOne("organizations", orgID)}},
			} {
				if _, err := env.client.Create(context.Background(), body); err != nil {
					t.Fatal(err)
				}
			}
		},
		Config: env.config("%s", org+`
resource "clprovisioning_membership" "m" {
  organization_id = clprovisioning_organization.org.id
  user_email      = "made.by.hand@example.com"
  role_id         = clprovisioning_organization.org.read_only_role_id
}
`),
		ExpectError: regexp.MustCompile(`(?s)Membership already exists.*import \{.*to = clprovisioning_membership.<name>.*id = "`),
	}, {
		Config: env.config("%s", org+`
resource "clprovisioning_membership_profile" "p" {
  organization_id = clprovisioning_organization.org.id
  name            = "Made by hand"
}
`),
		ExpectError: regexp.MustCompile(`(?s)Membership profile already exists.*Made\s+by\s+hand.*import \{`),
	}}})
}

// With the API's published rate limits enforced, a large apply slows down
// on the client side instead of failing with 429.
func TestAccRateLimitsAreKept(t *testing.T) {
	env := newTestEnv(t, func(o *simulator.Options) { o.RateLimits = true })
	env.needSim()
	env.test(resource.TestCase{Steps: []resource.TestStep{{
		Config: env.config(`
resource "clprovisioning_organization" "org" { name = "Busy Org" }
resource "clprovisioning_membership_profile" "many" {
  count           = 60
  organization_id = clprovisioning_organization.org.id
  name            = "Team ${count.index}"
}
`),
		Check: resource.ComposeAggregateTestCheckFunc(
			env.requests(map[string]int{"POST /api/membership_profiles*": 60}),
			func(*terraform.State) error {
				for _, r := range env.sim.Requests() {
					if r.Status == 429 {
						return fmt.Errorf("the API answered 429 to %s %s", r.Method, r.Path)
					}
				}
				return nil
			},
		),
	}}})
}
