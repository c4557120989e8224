package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// entity describes how one Provisioning object maps to Terraform: the one
// description that the generic resource, data sources, list resources and
// identity work from. Every fact is declared once; what can be derived (the
// create-only attributes from the schema's RequiresReplace, the data
// sources' schemas and lookups from the resource schema and the filters) is
// derived, and tests over every entity check the rest (derived values,
// filters, hooks).
type entity[M any] struct {
	name    string   // Terraform name without the provider prefix, e.g. "role"
	apiType string   // JSON:API type and path, e.g. "roles"
	include []string // relationships read with every GET, so one call gives their ids

	schema func() schema.Schema // the resource schema

	// read fills the entity-specific fields from an API object (the common
	// fields are filled by the caller).
	read func(ctx context.Context, r *jsonapi.Resource, m *M) diag.Diagnostics
	// write returns the entity-specific writable attributes (nil = null) and
	// relationships of a model.
	write func(ctx context.Context, m *M) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics)

	// filters are the ways to narrow a list of the entity, in one place:
	// the plural data source's arguments, the list resource's configuration,
	// and (those marked key) the singular data source's lookup arguments.
	filters []filterArg
	// listPath, when set, chooses the list path and API filters from the
	// filter arguments given (values has only those set).
	listPath func(values map[string]string) (path string, apiFilters map[string]string)
	// displayName is how a person recognises one object in a list
	// (`terraform query`): an e-mail, a name, app + person... read from the
	// object and the relationships it includes. Nil: its name (see display).
	displayName func(r *jsonapi.Resource) string

	// naturalKey identifies one object among its siblings (an organization's
	// membership by e-mail, a role's permission by subject...). A create
	// whose outcome is unknown looks the object up by it to adopt it rather
	// than create a duplicate; a create refused because the object exists
	// names the one found. Nil: no natural key (the object is never adopted).
	naturalKey []keyPart
	// lookFirst: the API accepts a second object with the natural key, so a
	// create looks the key up before its POST to find one an interrupted run
	// made (where the API refuses duplicates, its refusal tells).
	lookFirst bool

	// singleton is the path of an object that exists once per user and has
	// no id in its path (the user): create adopts it with one PATCH of every
	// value, read and update address the path, destroy forgets it.
	singleton string
	// forget, when set, is why destroy cannot delete the object: destroy
	// removes it from the state with this warning (after hooks.remove, when
	// there is one).
	forget string

	hooks hooks[M]

	// permission is what the user of the provider's credentials needs to
	// write the object, for the "not allowed" error; the admin role in the
	// organization when empty.
	permission string

	// validate checks a configuration across attributes, at plan time.
	validate func(ctx context.Context, m *M) diag.Diagnostics
	// configValidators are declarative cross-attribute rules (exactly one of...).
	configValidators []resource.ConfigValidator
	// derived names computed attributes the API derives from arguments, with
	// the arguments each depends on: planned unknown when one of those
	// changes, kept from the state otherwise.
	// anyChange among them means any update may change it (a value the API
	// derives from another object, which may change in the same apply).
	derived map[string][]string
	// writeOnly maps each write-only argument to the argument whose change
	// sends it again (client_secret_wo -> client_secret_wo_version). The
	// generic Create and Update read them from the configuration, the only
	// place Terraform keeps them.
	writeOnly map[string]string

	once      sync.Once
	cached    schema.Schema
	immutable map[string]bool // API names of create-only attributes and relationships
	codec     *modelCodec[M]  // the model to and from the schema's values
	codecErr  error
}

// anyChange, among a derived value's dependencies, means that any update
// of the object may change it.
const anyChange = "*"

// hooks are what an entity adds around the generic work. They adjust the
// request body or act beside it, and return plain errors: the generic code
// turns every error into diagnostics once, pointed at the attribute named by
// the API (or by an attrError).
type hooks[M any] struct {
	// beforeCreate adjusts the body of the POST (or the singleton's PATCH).
	beforeCreate func(ctx context.Context, x *exchange, plan *M, body *jsonapi.Resource) error
	// beforeUpdate adjusts the body of the PATCH, or acts first (an action
	// riding along an update). An update with nothing left to send reads the
	// object back instead.
	beforeUpdate func(ctx context.Context, x *exchange, plan, state *M, body *jsonapi.Resource) error
	// checkPlan refuses, at plan time, an update or a destroy (plan nil)
	// that the API would refuse or that would do harm it cannot undo
	// (locking the provider's own credentials out).
	checkPlan func(ctx context.Context, x *exchange, plan, state *M) error
	// beforeDelete refuses a destroy the API would refuse, in better words.
	beforeDelete func(ctx context.Context, x *exchange, state *M) error
	// remove empties an object the API cannot delete (revoke a permission's
	// rights); used with forget.
	remove func(ctx context.Context, x *exchange, state *M) error
	// adoptable tells whether an existing object with the create's natural
	// key may be taken over with a PATCH (a permission emptied by an earlier
	// destroy). Without it, such an object is reported with its import block.
	adoptable func(existing *jsonapi.Resource) bool
}

// exchange is what a hook works with: the client, and warnings to show.
type exchange struct {
	client   *provisioning.Client
	session  *session
	warnings diag.Diagnostics
}

func (x *exchange) warn(attribute, summary, detail string) {
	x.warnings.Append(attrDiagnostic(attribute, diag.NewWarningDiagnostic(summary, detail)))
}

// filterArg is one way to narrow a list: an optional string argument that,
// when set, becomes an API filter.
type filterArg struct {
	name        string // the argument, e.g. "organization_id"
	filter      string // the API predicate, e.g. "organization_id_eq"; "" = applied to what the API returns
	description string // for plural data sources and list resources
	key         bool   // also a lookup argument of the singular data source
	// validators check the value at plan time. Nil: those of the resource
	// argument of the same name, so that a filter accepts what the argument
	// does, from one definition (an enum, a format). Every filter has some:
	// a value no object can have would match nothing, and a drift check
	// over an empty list passes vacuously.
	validators []validator.String
}

// filterValidators are the plan-time checks of a filter argument: its own,
// else those of the resource argument of the same name.
func (e *entity[M]) filterValidators(f filterArg) []validator.String {
	if f.validators != nil {
		return f.validators
	}
	if a, ok := e.attributes()[f.name].(schema.StringAttribute); ok && (a.Optional || a.Required) {
		return a.Validators
	}
	return nil
}

// keyPart is one attribute (or relationship) of a natural key.
type keyPart struct {
	api    string // the API attribute or relationship name, e.g. "user_email", "organization"
	filter string // the API predicate that narrows a list to it, e.g. "organization_id_eq"
	fold   bool   // compared case-insensitively (e-mail addresses)
}

// title is the human name used in messages: "api_credential" -> "API credential".
func (e *entity[M]) title() string {
	return strings.ReplaceAll(strings.ReplaceAll(e.name, "_", " "), "api ", "API ")
}

// resourceSchema is the schema, built once.
func (e *entity[M]) resourceSchema() schema.Schema {
	e.once.Do(func() {
		e.cached = e.schema()
		e.codec, e.codecErr = newModelCodec[M](context.Background(), e.cached.Attributes)
		e.immutable = map[string]bool{}
		for name, a := range e.cached.Attributes {
			if requiresReplace(a) {
				e.immutable[strings.TrimSuffix(name, "_id")] = true
				e.immutable[name] = true
			}
		}
	})
	return e.cached
}

func (e *entity[M]) attributes() map[string]schema.Attribute { return e.resourceSchema().Attributes }

// decode reads a model from a value of the resource schema: a state, plan
// or configuration's Raw.
func (e *entity[M]) decode(ctx context.Context, raw tftypes.Value, m *M) diag.Diagnostics {
	if e.resourceSchema(); e.codecErr != nil {
		return codecBug(e.codecErr)
	}
	return e.codec.decode(ctx, raw, m)
}

// store writes a model as the whole of a state, plan or list result.
func (e *entity[M]) store(ctx context.Context, dst interface {
	Set(context.Context, any) diag.Diagnostics
}, m *M) diag.Diagnostics {
	if e.resourceSchema(); e.codecErr != nil {
		return codecBug(e.codecErr)
	}
	v, diags := e.codec.encode(ctx, m)
	if diags.HasError() {
		return diags
	}
	return append(diags, dst.Set(ctx, v)...)
}

func codecBug(err error) diag.Diagnostics {
	return diag.Diagnostics{diag.NewErrorDiagnostic("Provider bug", err.Error())}
}

// createOnly tells whether an API attribute or relationship can only be
// given on create: its Terraform attribute is RequiresReplace, so a PATCH
// never carries it.
func (e *entity[M]) createOnly(apiName string) bool {
	e.resourceSchema()
	return e.immutable[apiName]
}

// keyFilters are the filter arguments that find one object.
func (e *entity[M]) keyFilters() []filterArg {
	var keys []filterArg
	for _, f := range e.filters {
		if f.key {
			keys = append(keys, f)
		}
	}
	return keys
}

// list reads every object matching the filter arguments given, 25 at a time.
func (e *entity[M]) list(ctx context.Context, c *provisioning.Client, values map[string]string) ([]jsonapi.Resource, error) {
	q := provisioning.Query{Include: e.include}
	listPath := e.apiType
	if e.listPath != nil {
		listPath, q.Filters = e.listPath(values)
	} else {
		q.Filters = map[string]string{}
		for _, f := range e.filters {
			if v, ok := values[f.name]; ok && f.filter != "" {
				q.Filters[f.filter] = v
			}
		}
	}
	found, err := c.List(ctx, listPath, q)
	if err != nil {
		return nil, err
	}
	// Filters the API does not have: applied to what it returned.
	for _, f := range e.filters {
		if v, ok := values[f.name]; ok && f.filter == "" {
			found = slices.DeleteFunc(found, func(r jsonapi.Resource) bool { return keyValue(&r, f.name) != v })
		}
	}
	return found, nil
}

// display is the name a list shows for an object: the entity's displayName,
// else its name, else its title and id.
func (e *entity[M]) display(r *jsonapi.Resource) string {
	if e.displayName != nil {
		if s := e.displayName(r); s != "" {
			return s
		}
	}
	if s := r.String("name"); s != "" {
		return s
	}
	return e.title() + " " + r.ID
}

// body builds the JSON:API document of a model for a create (everything set;
// for a singleton's adoption also the nulls, so that it ends as planned) or,
// when prior is given, for an update (only what changed, nulls included,
// never what only a create may set). Unknown values are never sent.
func (e *entity[M]) body(ctx context.Context, m, prior *M, id string) (*jsonapi.Resource, diag.Diagnostics) {
	attrs, rels, diags := e.writable(ctx, m)
	r := &jsonapi.Resource{Type: e.apiType, ID: id, Attributes: map[string]any{}}
	if prior == nil {
		for k, v := range attrs {
			if v != unknown && (v != nil || e.singleton != "") {
				r.SetAttr(k, v)
			}
		}
		for k, rel := range rels {
			if rel.One != nil || rel.IsMany {
				r.SetRel(k, rel)
			}
		}
		return r, diags
	}
	oldAttrs, oldRels, d := e.writable(ctx, prior)
	diags.Append(d...)
	for k, v := range attrs {
		if v != unknown && !e.createOnly(k) && !sameJSON(v, oldAttrs[k]) {
			r.SetAttr(k, v)
		}
	}
	for k, rel := range rels {
		if !e.createOnly(k) && !sameJSON(rel, oldRels[k]) {
			r.SetRel(k, rel)
		}
	}
	return r, diags
}

// fullBody is every writable value of a model, nulls included, but what only
// a create may set: what a take-over PATCH sends, so that an existing object
// ends exactly as planned.
func (e *entity[M]) fullBody(ctx context.Context, m *M) (*jsonapi.Resource, diag.Diagnostics) {
	attrs, rels, diags := e.writable(ctx, m)
	r := &jsonapi.Resource{Type: e.apiType, Attributes: map[string]any{}}
	for k, v := range attrs {
		if v != unknown {
			r.SetAttr(k, v)
		}
	}
	for k, rel := range rels {
		r.SetRel(k, rel)
	}
	return r, diags
}

func (e *entity[M]) writable(ctx context.Context, m *M) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics) {
	attrs, rels, diags := e.write(ctx, m)
	if attrs == nil {
		attrs = map[string]any{}
	}
	diags.Append(common(m).toAPI(ctx, attrs)...)
	return attrs, rels, diags
}

// fill sets a whole model from an API object.
func (e *entity[M]) fill(ctx context.Context, r *jsonapi.Resource, m *M) diag.Diagnostics {
	common(m).fromAPI(r)
	return e.read(ctx, r, m)
}

// fetch reads one object with its relationship ids: one GET.
func (e *entity[M]) fetch(ctx context.Context, c *provisioning.Client, id string) (*jsonapi.Resource, error) {
	if e.singleton != "" {
		return c.GetPath(ctx, e.singleton, e.include...)
	}
	return c.Get(ctx, e.apiType, id, e.include...)
}

// update sends one PATCH of what changed (after the entity's hook), or reads
// the object back when nothing is left to send.
func (e *entity[M]) update(ctx context.Context, x *exchange, plan, state *M) (*jsonapi.Resource, error) {
	id := common(state).ID.ValueString()
	body, diags := e.body(ctx, plan, state, id)
	if err := errorOf(diags); err != nil {
		return nil, err
	}
	if h := e.hooks.beforeUpdate; h != nil {
		if err := h(ctx, x, plan, state, body); err != nil {
			return nil, err
		}
	}
	if len(body.Attributes) == 0 && len(body.Relationships) == 0 {
		return e.fetch(ctx, x.client, id)
	}
	if e.singleton != "" {
		body.ID = "" // addressed by its path, without an id
		return x.client.UpdatePath(ctx, e.singleton, body, e.include...)
	}
	return x.client.Update(ctx, body, e.include...)
}

// remove destroys the object: one DELETE (404 = done), or for objects the
// API cannot delete, the entity's remove hook and a warning that it stays.
func (e *entity[M]) remove(ctx context.Context, x *exchange, state *M) error {
	id := common(state).ID.ValueString()
	if h := e.hooks.beforeDelete; h != nil {
		if err := h(ctx, x, state); err != nil {
			return err
		}
	}
	if e.forget == "" && e.singleton == "" {
		if err := x.client.Delete(ctx, e.apiType, id); err != nil && !provisioning.IsNotFound(err) {
			return err
		}
		return nil
	}
	if h := e.hooks.remove; h != nil {
		if err := h(ctx, x, state); err != nil && !provisioning.IsNotFound(err) {
			return err
		}
	}
	x.session.forget(e.apiType, id)
	x.warnings.AddWarning(fmt.Sprintf("The %s %s was not deleted", e.title(), id), e.forget)
	return nil
}

// requiresReplace tells whether a resource attribute carries the framework's
// RequiresReplace plan modifier: its value can only be given on create.
func requiresReplace(a schema.Attribute) bool {
	ctx := context.Background()
	replace := stringplanmodifier.RequiresReplace().Description(ctx)
	var descriptions []string
	switch v := a.(type) {
	case schema.StringAttribute:
		for _, m := range v.PlanModifiers {
			descriptions = append(descriptions, m.Description(ctx))
		}
	case schema.BoolAttribute:
		for _, m := range v.PlanModifiers {
			descriptions = append(descriptions, m.Description(ctx))
		}
	case schema.Int64Attribute:
		for _, m := range v.PlanModifiers {
			descriptions = append(descriptions, m.Description(ctx))
		}
	case schema.NumberAttribute:
		for _, m := range v.PlanModifiers {
			descriptions = append(descriptions, m.Description(ctx))
		}
	}
	return slices.Contains(descriptions, replace)
}

// entityFacts are an entity's declarations without its model type, for the
// tests that check every entity's facts agree with its schema.
type entityFacts struct {
	name, apiType string
	attributes    map[string]schema.Attribute
	derived       map[string][]string
	writeOnly     map[string]string
	filters       []filterArg
	naturalKey    []keyPart
	createOnly    func(apiName string) bool
}

func (e *entity[M]) facts() entityFacts {
	return entityFacts{
		name: e.name, apiType: e.apiType, attributes: e.attributes(), derived: e.derived,
		writeOnly: e.writeOnly, filters: e.filters, naturalKey: e.naturalKey, createOnly: e.createOnly,
	}
}

func (r *jsonapiResource[M]) facts() entityFacts { return r.entity.facts() }
