package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// Exactly once: a create never leaves a duplicate nor an object no state
// knows, whatever the network loses. The natural key of the entity decides:
//
//   - the POST's outcome is unknown (answer lost, timeout, 5xx): look the
//     object up by its natural key among those created since the POST was
//     sent; adopt it when exactly one matches, send the POST again when none
//     does (now safe), fail listing the ids when several do;
//   - the POST is refused because the object exists (the API refuses
//     duplicates of the key): adopt it when the entity says it may (an
//     emptied permission), otherwise fail with the import block that brings
//     it under Terraform;
//   - where the API does not refuse duplicates (names of roles, profiles,
//     credentials), one list before the POST finds an object an interrupted
//     run created and the state lost, and fails the same way. Not for
//     organizations: a destroy forgets one (the API cannot delete it), and a
//     replacement (a new region) makes another of the same name on purpose.

// createAttempts bounds the POSTs of one create: a POST is sent again only
// after a lookup showed that the previous one created nothing.
const createAttempts = 4

// clockSkew is how far the API's clock may be behind this machine's when
// looking for what a POST created "since it was sent".
const clockSkew = 30 * time.Second

// create sends the POST (or adopts the singleton with one PATCH) and returns
// the object created, exactly once.
func (e *entity[M]) create(ctx context.Context, x *exchange, plan *M) (*jsonapi.Resource, error) {
	body, diags := e.body(ctx, plan, nil, "")
	if err := errorOf(diags); err != nil {
		return nil, err
	}
	if h := e.hooks.beforeCreate; h != nil {
		if err := h(ctx, x, plan, body); err != nil {
			return nil, err
		}
	}
	if e.singleton != "" {
		return x.client.UpdatePath(ctx, e.singleton, body, e.include...)
	}
	return e.post(ctx, x, body, e.hooks.adoptable)
}

// post sends the POST of body, exactly once (see above). adoptable tells
// whether an existing object with body's natural key may be taken over.
func (e *entity[M]) post(ctx context.Context, x *exchange, body *jsonapi.Resource, adoptable func(*jsonapi.Resource) bool) (*jsonapi.Resource, error) {
	if e.naturalKey != nil && e.lookFirst {
		found, err := e.findByKey(ctx, x.client, body, time.Time{})
		if err != nil {
			return nil, err
		}
		if len(found) > 0 {
			return nil, e.exists(found, body)
		}
	}
	for attempt := 1; ; attempt++ {
		sent := time.Now()
		created, err := x.client.Create(ctx, body, e.include...)
		switch {
		case err == nil:
			return created, nil
		case e.naturalKey != nil && outcomeUnknown(err):
			found, lerr := e.findByKey(ctx, x.client, body, sent.Add(-clockSkew))
			if lerr != nil {
				return nil, fmt.Errorf("%w; looking up what it may have created failed too: %w", err, lerr)
			}
			switch {
			case len(found) == 1:
				tflog.Info(ctx, "create outcome was unknown: adopting the object it created", map[string]any{"type": e.apiType, "id": found[0].ID})
				return &found[0], nil
			case len(found) > 1:
				return nil, &attrError{summary: "Could not create " + e.title(), detail: fmt.Sprintf(
					"The answer to the create was lost and %d objects with %s were created since it was sent (ids %s): "+
						"the provider cannot tell which is its own. Import the right one and delete the others. First error: %v",
					len(found), e.describeKey(body), ids(found), err)}
			case attempt < createAttempts:
				tflog.Warn(ctx, "create outcome was unknown and nothing was created: sending it again", map[string]any{"type": e.apiType, "attempt": attempt})
				continue
			}
			return nil, err
		case e.naturalKey != nil && isConflict(err):
			found, lerr := e.findByKey(ctx, x.client, body, time.Time{})
			if lerr != nil || len(found) != 1 {
				return nil, err
			}
			if adoptable != nil && adoptable(&found[0]) {
				return e.takeOver(ctx, x, &found[0], body)
			}
			return nil, e.exists(found, body)
		}
		return nil, err
	}
}

// takeOver makes an existing object what the create would have made: one
// PATCH of everything but what only a create sets.
func (e *entity[M]) takeOver(ctx context.Context, x *exchange, existing, body *jsonapi.Resource) (*jsonapi.Resource, error) {
	update := &jsonapi.Resource{Type: e.apiType, ID: existing.ID, Attributes: map[string]any{}}
	for k, v := range body.Attributes {
		if !e.createOnly(k) {
			update.Attributes[k] = v
		}
	}
	for k, rel := range body.Relationships {
		if !e.createOnly(k) {
			update.SetRel(k, rel)
		}
	}
	return x.client.Update(ctx, update, e.include...)
}

// findByKey lists the objects with the natural key of body, created since
// the given time (any time when zero).
func (e *entity[M]) findByKey(ctx context.Context, c *provisioning.Client, body *jsonapi.Resource, since time.Time) ([]jsonapi.Resource, error) {
	q := provisioning.Query{Filters: map[string]string{}, Include: e.include}
	for _, k := range e.naturalKey {
		if v := keyValue(body, k.api); v != "" {
			q.Filters[k.filter] = v
		}
	}
	if !since.IsZero() {
		q.Filters["created_at_gteq"] = since.UTC().Format(time.RFC3339)
	}
	found, err := c.List(ctx, e.apiType, q)
	if err != nil {
		return nil, err
	}
	// The filters narrow; the comparison decides (case-insensitive where the
	// key is, and a relationship only where the answer carries it).
	var same []jsonapi.Resource
	for _, f := range found {
		if e.sameKey(&f, body) {
			same = append(same, f)
		}
	}
	return same, nil
}

func (e *entity[M]) sameKey(obj, body *jsonapi.Resource) bool {
	for _, k := range e.naturalKey {
		want := keyValue(body, k.api)
		if want == "" {
			continue
		}
		if _, isRel := body.Relationships[k.api]; isRel && !obj.Rel(k.api).HasData {
			continue
		}
		got := keyValue(obj, k.api)
		if got != want && (!k.fold || !strings.EqualFold(got, want)) {
			return false
		}
	}
	return true
}

// keyValue is the value of a natural key part: an attribute, or the id of a
// to-one relationship.
func keyValue(r *jsonapi.Resource, name string) string {
	if rel, ok := r.Relationships[name]; ok {
		return rel.ID()
	}
	if v, ok := r.Attr(name); ok && v != nil {
		return fmt.Sprint(v)
	}
	return ""
}

// describeKey says the natural key of body in Terraform's words.
func (e *entity[M]) describeKey(body *jsonapi.Resource) string {
	var parts []string
	for _, k := range e.naturalKey {
		if v := keyValue(body, k.api); v != "" {
			name := schemaAttributeFor(k.api, e.attributes())
			if name == "" {
				name = k.api
			}
			parts = append(parts, fmt.Sprintf("%s = %q", name, v))
		}
	}
	return strings.Join(parts, " and ")
}

// exists is the error for an object that exists but that no state knows:
// never adopted silently (someone else may have made it), but named, with
// the import block that brings it under Terraform.
func (e *entity[M]) exists(found []jsonapi.Resource, body *jsonapi.Resource) error {
	return &attrError{
		summary: fmt.Sprintf("%s already exists", capitalize(e.title())),
		detail: fmt.Sprintf("A %s with %s already exists (id %s), and this state does not know it: an earlier run may "+
			"have been interrupted after creating it, or someone made it by hand. If it is the one this configuration "+
			"describes, import it:\n\n  import {\n    to = clprovisioning_%s.<name>\n    id = %q\n  }\n\n"+
			"Otherwise delete it or change the configuration.", e.title(), e.describeKey(body), ids(found), e.name, found[0].ID),
	}
}

func ids(rs []jsonapi.Resource) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return strings.Join(out, ", ")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// outcomeUnknown tells whether the API may have acted on a request that
// failed: no answer after sending, a timeout, or a 5xx.
func outcomeUnknown(err error) bool {
	if provisioning.IsUnknownOutcome(err) {
		return true
	}
	apiErr, ok := provisioning.AsAPIError(err)
	return ok && apiErr.StatusCode >= http.StatusInternalServerError
}

// isConflict tells whether the API refused a create as invalid (422) or
// conflicting (409): when the natural key is taken, the object exists.
func isConflict(err error) bool {
	apiErr, ok := provisioning.AsAPIError(err)
	return ok && !provisioning.IsUnknownOutcome(err) &&
		(apiErr.StatusCode == http.StatusUnprocessableEntity || apiErr.StatusCode == http.StatusConflict)
}
