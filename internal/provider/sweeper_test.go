package provider

// Sweepers: what a real-API run left behind (a killed run, a failed
// destroy) removed from the test organization. Every object a real-API
// test creates carries the prefix tfacc-<run id>- in its name or email
// (realmode_test.go); these remove what carries tfacc-, whatever the run:
//
//	CLPROVISIONING_CLIENT_ID=... CLPROVISIONING_CLIENT_SECRET=... \
//	CLPROVISIONING_TEST_ORGANIZATION_ID=... go test ./internal/provider -sweep=all
//
// (make test-real sweeps before and after its run). In the test
// organization: application memberships of swept applications, people or
// groups; memberships, pending invitations included; membership profiles;
// API credentials; and the signed-in user's identity providers (they belong
// to the user, not to an organization). Roles and permissions cannot be
// deleted: a role named tfacc-... is left, its permissions revoked, and the
// sweep says so (real-API tests create none: the harness refuses).

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/simulator"
)

// TestMain adds the -sweep flags of terraform-plugin-testing to go test.
func TestMain(m *testing.M) {
	resource.TestMain(m)
}

func init() {
	add := func(name string, f func(*sweep) error, deps ...string) {
		resource.AddTestSweepers(name, &resource.Sweeper{
			Name:         name,
			Dependencies: deps,
			F: func(string) error {
				s, err := newSweep()
				if err != nil {
					return err
				}
				return f(s)
			},
		})
	}
	const apps = "clprovisioning_application_membership"
	add(apps, (*sweep).applicationMemberships)
	add("clprovisioning_membership", (*sweep).memberships, apps)
	add("clprovisioning_membership_profile", (*sweep).membershipProfiles, apps, "clprovisioning_membership")
	add("clprovisioning_api_credential", (*sweep).apiCredentials, apps)
	add("clprovisioning_identity_provider", (*sweep).identityProviders)
	add("clprovisioning_role", (*sweep).roles, apps, "clprovisioning_membership", "clprovisioning_api_credential")
}

// sweep is one sweeper's access to the test organization.
type sweep struct {
	ctx    context.Context
	client *provisioning.Client
	org    string
}

func newSweep() (*sweep, error) {
	org := os.Getenv(envTestOrganizationID)
	if os.Getenv(EnvClientID) == "" || os.Getenv(EnvClientSecret) == "" || org == "" {
		return nil, fmt.Errorf("sweeping needs %s, %s and %s (and %s / %s away from the real API)",
			EnvClientID, EnvClientSecret, envTestOrganizationID, EnvAPIURL, EnvAuthURL)
	}
	c, err := provisioning.New(provisioning.Config{
		ClientID: os.Getenv(EnvClientID), ClientSecret: os.Getenv(EnvClientSecret),
		APIURL: os.Getenv(EnvAPIURL), AuthURL: os.Getenv(EnvAuthURL),
	})
	if err != nil {
		return nil, err
	}
	return &sweep{ctx: context.Background(), client: c, org: org}, nil
}

// swept says whether a name or email is a test's.
func swept(s string) bool { return strings.HasPrefix(s, testNamePrefix) }

// list is every object of the type in the test organization, with the ids
// of the relationships named.
func (s *sweep) list(typ string, include ...string) ([]jsonapi.Resource, error) {
	all, err := s.client.List(s.ctx, typ, provisioning.Query{
		Filters: map[string]string{"organization_id_eq": s.org}, Include: include,
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s of organization %s: %w", typ, s.org, err)
	}
	return all, nil
}

// ids are the ids of the test's objects of the type (by attr).
func (s *sweep) ids(typ, attr string) (map[string]string, error) {
	all, err := s.list(typ)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, r := range all {
		if v := r.String(attr); swept(v) {
			out[r.ID] = v
		}
	}
	return out, nil
}

// remove deletes the objects (id -> what to log), 404 counting as done.
func (s *sweep) remove(typ string, objs map[string]string) error {
	log.Printf("[INFO] sweeper: %d %s of test runs to delete", len(objs), strings.ReplaceAll(typ, "_", " "))
	var errs []error
	for id, what := range objs {
		err := s.client.Delete(s.ctx, typ, id)
		switch {
		case err == nil, provisioning.IsNotFound(err):
			log.Printf("[INFO] sweeper: deleted %s %s (%s)", typ, id, what)
		default:
			errs = append(errs, fmt.Errorf("deleting %s %s (%s): %w", typ, id, what, err))
		}
	}
	return errors.Join(errs...)
}

func (s *sweep) memberships() error {
	objs, err := s.ids("memberships", "user_email")
	if err != nil {
		return err
	}
	return s.remove("memberships", objs)
}

func (s *sweep) membershipProfiles() error {
	objs, err := s.ids("membership_profiles", "name")
	if err != nil {
		return err
	}
	return s.remove("membership_profiles", objs)
}

func (s *sweep) apiCredentials() error {
	objs, err := s.ids("api_credentials", "name")
	if err != nil {
		return err
	}
	return s.remove("api_credentials", objs)
}

// applicationMemberships removes those of a test's application, person,
// group or role: they have no name of their own.
func (s *sweep) applicationMemberships() error {
	theirs := map[string]map[string]string{} // relationship -> test ids
	var rels []string
	for rel, q := range map[string][2]string{
		"api_credential":     {"api_credentials", "name"},
		"membership":         {"memberships", "user_email"},
		"membership_profile": {"membership_profiles", "name"},
		"role":               {"roles", "name"},
	} {
		ids, err := s.ids(q[0], q[1])
		if err != nil {
			return err
		}
		theirs[rel] = ids
		rels = append(rels, rel)
	}
	all, err := s.list("application_memberships", rels...)
	if err != nil {
		return err
	}
	objs := map[string]string{}
	for _, r := range all {
		for rel, ids := range theirs {
			if what, ok := ids[r.Rel(rel).ID()]; ok {
				objs[r.ID] = rel + " " + what
				break
			}
		}
	}
	return s.remove("application_memberships", objs)
}

// identityProviders removes the signed-in user's test identity providers.
func (s *sweep) identityProviders() error {
	all, err := s.client.List(s.ctx, "identity_providers", provisioning.Query{})
	if err != nil {
		return fmt.Errorf("listing identity providers: %w", err)
	}
	objs := map[string]string{}
	for _, r := range all {
		if v := r.String("name"); swept(v) {
			objs[r.ID] = v
		}
	}
	return s.remove("identity_providers", objs)
}

// roles cannot be deleted: a test role is left, its permissions revoked.
func (s *sweep) roles() error {
	roles, err := s.ids("roles", "name")
	if err != nil {
		return err
	}
	var errs []error
	for id, name := range roles {
		perms, err := s.client.List(s.ctx, "permissions", provisioning.Query{Filters: map[string]string{"role_id_eq": id}})
		if err != nil {
			errs = append(errs, fmt.Errorf("listing the permissions of role %s: %w", id, err))
			continue
		}
		for _, p := range perms {
			if !p.Bool("can_create") && !p.Bool("can_read") && !p.Bool("can_update") && !p.Bool("can_destroy") {
				continue
			}
			_, err := s.client.Update(s.ctx, &jsonapi.Resource{Type: "permissions", ID: p.ID, Attributes: map[string]any{
				"can_create": false, "can_read": false, "can_update": false, "can_destroy": false,
			}})
			if err != nil {
				errs = append(errs, fmt.Errorf("revoking permission %s of role %s: %w", p.ID, id, err))
			}
		}
		log.Printf("[WARN] sweeper: role %s (%s) left in organization %s: the API cannot delete roles; its %d permissions revoked",
			id, name, s.org, len(perms))
	}
	return errors.Join(errs...)
}

// The sweepers against the simulator in this process: everything named
// tfacc-... goes, application memberships of such objects too; a tfacc-
// role stays with its permissions revoked; the organization's own objects
// stay as they are.
func TestSweepers(t *testing.T) {
	const id, secret = "sweep-client", "sweep-secret-0123456789"
	srv := httptest.NewServer(simulator.New(simulator.Options{ClientID: id, ClientSecret: secret}))
	t.Cleanup(srv.Close)
	c, err := provisioning.New(provisioning.Config{ClientID: id, ClientSecret: secret, APIURL: srv.URL, AuthURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	create := func(typ string, attrs map[string]any, rels map[string]jsonapi.Relationship) string {
		t.Helper()
		r, err := c.Create(ctx, &jsonapi.Resource{Type: typ, Attributes: attrs, Relationships: rels})
		if err != nil {
			t.Fatalf("creating %s: %v", typ, err)
		}
		return r.ID
	}
	org := create("organizations", map[string]any{"name": "Sweep Org"}, nil)
	one := jsonapi.ToOne
	in := func(rels ...string) map[string]jsonapi.Relationship {
		out := map[string]jsonapi.Relationship{"organization": one("organizations", org)}
		for i := 0; i+2 < len(rels); i += 3 {
			out[rels[i]] = one(rels[i+1], rels[i+2])
		}
		return out
	}
	roles, err := c.List(ctx, "roles", provisioning.Query{Filters: map[string]string{"organization_id_eq": org, "kind_eq": "read_only"}})
	if err != nil || len(roles) != 1 {
		t.Fatalf("the read_only role: %v", err)
	}
	readOnly := roles[0].ID

	role := create("roles", map[string]any{"name": "tfacc-run1-Auditors"}, in())
	perm := create("permissions", map[string]any{
		"subject": "orders", "can_create": false, "can_read": true, "can_update": true, "can_destroy": false,
	},
		map[string]jsonapi.Relationship{"role": one("roles", role)})
	profile := create("membership_profiles", map[string]any{"name": "tfacc-run1-Support", "access_scope": "live_access"}, in())
	member := create("memberships", map[string]any{"user_email": "tfacc-run2-ada@example.com"}, in("role", "roles", readOnly))
	app := create("api_credentials", map[string]any{"name": "tfacc-run1-Orders", "kind": "orders"}, in())
	keptApp := create("api_credentials", map[string]any{"name": "Kept app", "kind": "orders"}, in())
	kept := map[string]string{
		"membership_profiles": create("membership_profiles", map[string]any{"name": "Support", "access_scope": "live_access"}, in()),
		"memberships":         create("memberships", map[string]any{"user_email": "keep@example.com"}, in("role", "roles", readOnly)),
		"api_credentials":     keptApp,
		// the organization's own app, granted to a test's person and group
		"application_memberships": create("application_memberships", nil, in("api_credential", "api_credentials", keptApp,
			"membership", "memberships", create("memberships", map[string]any{"user_email": "grace@example.com"}, in("role", "roles", readOnly)),
			"role", "roles", readOnly)),
	}
	gone := []string{
		create("application_memberships", nil, in("api_credential", "api_credentials", app, "membership", "memberships", member, "role", "roles", readOnly)),
		create("application_memberships", nil, in("api_credential", "api_credentials", keptApp, "membership_profile", "membership_profiles", profile, "role", "roles", readOnly)),
		create("application_memberships", nil, in("api_credential", "api_credentials", keptApp, "membership", "memberships", member, "role", "roles", role)),
	}
	idp := create("identity_providers", map[string]any{
		"name": "tfacc-run1-sso", "client_id": "sso", "client_secret": "sso-secret", "issuer": "https://sso.sweep.example/",
		"domains": "sweep.example", "token_url": "https://sso.sweep.example/token",
		"authorize_url": "https://sso.sweep.example/authorize", "jwks_url": "https://sso.sweep.example/jwks",
	}, nil)

	t.Setenv(EnvClientID, id)
	t.Setenv(EnvClientSecret, secret)
	t.Setenv(EnvAPIURL, srv.URL)
	t.Setenv(EnvAuthURL, srv.URL)
	t.Setenv(envTestOrganizationID, org)
	s, err := newSweep()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []func(*sweep) error{
		(*sweep).applicationMemberships, (*sweep).memberships, (*sweep).membershipProfiles,
		(*sweep).apiCredentials, (*sweep).identityProviders, (*sweep).roles,
	} {
		if err := f(s); err != nil {
			t.Fatal(err)
		}
	}

	exists := func(typ, id string) *jsonapi.Resource {
		r, err := c.Get(ctx, typ, id)
		if provisioning.IsNotFound(err) {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for typ, ids := range map[string][]string{
		"application_memberships": gone, "memberships": {member}, "membership_profiles": {profile},
		"api_credentials": {app}, "identity_providers": {idp},
	} {
		for _, id := range ids {
			if exists(typ, id) != nil {
				t.Errorf("%s %s was not swept", typ, id)
			}
		}
	}
	for typ, id := range kept {
		if exists(typ, id) == nil {
			t.Errorf("%s %s, not a test's, was swept", typ, id)
		}
	}
	if exists("roles", role) == nil {
		t.Error("the role is gone: the API cannot delete roles")
	}
	p := exists("permissions", perm)
	for _, right := range []string{"can_create", "can_read", "can_update", "can_destroy"} {
		if p == nil || p.Bool(right) {
			t.Errorf("permission %s of the swept role: %s not revoked", perm, right)
		}
	}
}
