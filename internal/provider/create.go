package provider

import (
	"context"
	"crypto/rand"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// Exactly once, and never someone else's: a create never leaves a duplicate
// nor an object no state knows, whatever the network loses, and never takes
// over an object it cannot prove it made. Every POST carries a mark of its
// own (a random token in metadata, see createMark), and:
//
//   - the POST's outcome is unknown (answer lost, timeout, 5xx): look among
//     the objects with its natural key created since it was sent for the one
//     with its mark; adopt that one, and only that one. None: send the POST
//     again, once the API's reads can no longer be lagging behind it where the
//     API would accept a second object (for the others a second POST is
//     refused if the first one landed, and the refusal finds the mark);
//   - the POST is refused because the object exists (the API refuses
//     duplicates of the key): adopt it if it bears the mark (an earlier
//     attempt of this same create landed), take it over if the entity says
//     it may (an emptied permission), otherwise fail with the import block;
//   - where the API does not refuse duplicates (organization, role, profile
//     and credential names), one list before the POST finds an object an
//     interrupted run created and the state lost, and fails the same way.

// createAttempts bounds the POSTs of one create: a POST is sent again only
// after a lookup showed that the previous one created nothing.
const createAttempts = 4

// clockSkew is how far the API's clock may be behind this machine's when
// looking for what a POST created "since it was sent".
const clockSkew = 30 * time.Second

// createMarkKey is the metadata key of a POST's mark. It is the provider's,
// not the user's: reads hide it, configurations may not set it, and an
// update of metadata drops it (it is only needed until the create is done).
const createMarkKey = "clprovisioning_create_mark"

// adoption says which existing object with a create's natural key may be
// taken over (allowed) and what the take-over writes (every planned value,
// nulls included, so that the object ends as planned).
type adoption struct {
	allowed func(existing *jsonapi.Resource) bool
	full    *jsonapi.Resource
}

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
	var adopt *adoption
	if e.hooks.adoptable != nil {
		full, diags := e.fullBody(ctx, plan)
		if err := errorOf(diags); err != nil {
			return nil, err
		}
		adopt = &adoption{allowed: e.hooks.adoptable, full: full}
	}
	return e.post(ctx, x, body, adopt)
}

// post sends the POST of body, exactly once (see above).
func (e *entity[M]) post(ctx context.Context, x *exchange, body *jsonapi.Resource, adopt *adoption) (*jsonapi.Resource, error) {
	mark := setCreateMark(body)
	if e.naturalKey != nil && e.lookFirst {
		found, err := e.findByKey(ctx, x.client, body, time.Time{})
		if err != nil {
			return nil, err
		}
		// What this run's own destroy left in place (a replacement's old
		// organization) is known to be no state's on purpose.
		found = slices.DeleteFunc(found, func(r jsonapi.Resource) bool { return x.session.wasForgotten(e.apiType, r.ID) })
		if len(found) > 0 {
			return nil, e.exists(found, body)
		}
	}
	first := time.Now()
	for attempt := 1; ; attempt++ {
		sent := time.Now()
		created, err := x.client.Create(ctx, body, e.include...)
		switch {
		case err == nil:
			return created, nil
		case outcomeUnknown(err):
			// Every attempt carries the same mark: look for what any of
			// them made. Where the API refuses a second object, the next
			// POST settles it at once (a refusal finds the mark), so only
			// the last lookup needs to outwait the reads' lag.
			deadline := time.Now()
			if e.lookFirst || attempt == createAttempts {
				deadline = sent.Add(readLag)
			}
			mine, lerr := e.findMine(ctx, x.client, body, mark, first, deadline)
			if lerr != nil {
				return nil, fmt.Errorf("%w; looking up what it may have created failed too: %w", err, lerr)
			}
			if mine != nil {
				tflog.Info(ctx, "create outcome was unknown: adopting the object it created", map[string]any{"type": e.apiType, "id": mine.ID})
				return mine, nil
			}
			if attempt < createAttempts {
				tflog.Warn(ctx, "create outcome was unknown and nothing was created: sending it again", map[string]any{"type": e.apiType, "attempt": attempt})
				continue
			}
			return nil, err
		case e.naturalKey != nil && isConflict(err):
			// The refusal proves the object exists: wait for the reads to
			// show it.
			var found []jsonapi.Resource
			lerr := untilSeen(ctx, time.Now().Add(readLag), func() (bool, error) {
				var err error
				found, err = e.findByKey(ctx, x.client, body, time.Time{})
				return len(found) > 0, err
			})
			if lerr != nil || len(found) == 0 {
				return nil, err
			}
			for i := range found {
				if createMarkOf(&found[i]) == mark {
					// An earlier attempt of this create landed; its answer was lost.
					return &found[i], nil
				}
			}
			if len(found) == 1 && adopt != nil && adopt.allowed(&found[0]) {
				return e.takeOver(ctx, x, &found[0], adopt.full)
			}
			return nil, e.exists(found, body)
		}
		return nil, err
	}
}

// findMine looks for the object the POSTs sent since firstSent created:
// the one with their natural key and their mark. It looks again until the
// deadline while it finds nothing: nothing found is only final once the
// API's reads cannot lag behind the POSTs any more.
func (e *entity[M]) findMine(ctx context.Context, c *provisioning.Client, body *jsonapi.Resource, mark string, firstSent, deadline time.Time) (*jsonapi.Resource, error) {
	var mine *jsonapi.Resource
	err := untilSeen(ctx, deadline, func() (bool, error) {
		found, err := e.findByKey(ctx, c, body, firstSent.Add(-clockSkew))
		for i := range found {
			if createMarkOf(&found[i]) == mark {
				mine = &found[i]
			}
		}
		return mine != nil, err
	})
	return mine, err
}

// setCreateMark gives body's metadata a new random mark and returns it.
func setCreateMark(body *jsonapi.Resource) string {
	mark := rand.Text()
	md, _ := body.Attributes["metadata"].(map[string]any)
	withMark := make(map[string]any, len(md)+1)
	maps.Copy(withMark, md)
	withMark[createMarkKey] = mark
	body.SetAttr("metadata", withMark)
	return mark
}

// createMarkOf is the mark an object was created with ("" when none).
func createMarkOf(r *jsonapi.Resource) string {
	md, _ := r.Attributes["metadata"].(map[string]any)
	s, _ := md[createMarkKey].(string)
	return s
}

// takeOver makes an existing object what the create would have made: one
// PATCH of every planned value (nulls included) but what only a create sets.
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
	otherwise := "Otherwise delete it or change the configuration."
	if e.forget != "" {
		otherwise = fmt.Sprintf("Otherwise change the configuration (another name): the Provisioning API cannot delete %ss.", e.title())
	}
	return &attrError{
		summary: fmt.Sprintf("%s already exists", capitalize(e.title())),
		detail: fmt.Sprintf("%s with %s already exists (id %s), and this state does not know it: an earlier run may "+
			"have been interrupted after creating it, or someone made it by hand. If it is the one this configuration "+
			"describes, import it:\n\n  import {\n    to = clprovisioning_%s.<name>\n    id = %q\n  }\n\n"+
			"%s", capitalize(article(e.title())), e.describeKey(body), ids(found), e.name, found[0].ID, otherwise),
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
