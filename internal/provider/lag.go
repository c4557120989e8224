package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// readLag bounds how long the API's reads may lag behind its writes: an
// object answered by a POST may be missing from GETs and lists for a while
// (read replicas). Within it, "not found" right after a write is not taken
// as final: the read is tried again with backoff.
const readLag = 10 * time.Second

// untilSeen calls look until it reports true, an error, or the deadline has
// passed (it always calls it at least once), waiting 250 ms, then twice as
// long each time, up to 2 s between calls.
func untilSeen(ctx context.Context, deadline time.Time, look func() (bool, error)) error {
	wait := 250 * time.Millisecond
	for {
		seen, err := look()
		if seen || err != nil {
			return err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(wait, left)):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// createdMomentsAgo tells whether an object created at createdAt (the API's
// clock, ISO 8601) may still be missing from lagging reads.
func createdMomentsAgo(createdAt types.String) bool {
	t, err := time.Parse(time.RFC3339, createdAt.ValueString())
	return err == nil && time.Since(t) < readLag+clockSkew
}

// fetchFresh is fetch, except that a 404 for an object created moments ago
// is read again with backoff (for up to readLag): a replica that has not
// seen the create yet is not a deletion.
func (e *entity[M]) fetchFresh(ctx context.Context, c *provisioning.Client, id string, createdAt types.String) (*jsonapi.Resource, error) {
	obj, err := e.fetch(ctx, c, id)
	if !provisioning.IsNotFound(err) || !createdMomentsAgo(createdAt) {
		return obj, err
	}
	return getFresh(ctx, func() (*jsonapi.Resource, error) { return e.fetch(ctx, c, id) })
}

// getFresh reads an object written moments ago: a 404 is read again with
// backoff for up to readLag.
func getFresh(ctx context.Context, get func() (*jsonapi.Resource, error)) (*jsonapi.Resource, error) {
	var obj *jsonapi.Resource
	var err error
	lerr := untilSeen(ctx, time.Now().Add(readLag), func() (bool, error) {
		obj, err = get()
		return !provisioning.IsNotFound(err), nil
	})
	if lerr != nil {
		return nil, lerr
	}
	return obj, err
}

// accessLost tells, for an object the API no longer shows, whether the
// provider's credentials lost access to it rather than it being deleted:
// an organization cannot be deleted through the API, so one that is gone
// is one the credentials no longer see; an object of an organization they
// no longer see is gone from view with it. One GET (of the organization),
// only on that path. Nil: deleted.
func (e *entity[M]) accessLost(ctx context.Context, c *provisioning.Client, id string, state tfsdk.State) error {
	org := id
	if e.apiType != "organizations" {
		if _, ok := e.attributes()["organization_id"]; !ok {
			return nil
		}
		var v types.String
		if diags := state.GetAttribute(ctx, path.Root("organization_id"), &v); diags.HasError() || !known(v) {
			return nil
		}
		org = v.ValueString()
		_, err := c.Get(ctx, "organizations", org)
		switch {
		case err == nil:
			return nil // the organization is there: the object was deleted
		case !provisioning.IsNotFound(err) && !provisioning.IsNotAllowed(err):
			return fmt.Errorf("the %s %s was not found, and reading its organization to tell why failed: %w", e.title(), id, err)
		}
	}
	what := fmt.Sprintf("The %s %s is no longer visible to the provider's credentials, and neither is organization %s.", e.title(), id, org)
	if org == id {
		what = fmt.Sprintf("Organization %s is no longer visible to the provider's credentials.", org)
	}
	return &attrError{summary: "Access to organization " + org + " was lost", detail: fmt.Sprintf(
		"%s The "+
			"Provisioning API cannot delete organizations, so the credentials have lost access (their membership was "+
			"removed, or its role changed): nothing was removed from the state, and nothing will be created again. "+
			"Restore the access of the user whose credentials the provider uses, or stop managing these objects with "+
			"`removed` blocks or `terraform state rm`.", what)}
}
