package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// commonModel holds the attributes every Provisioning object has. Models
// embed it; the framework flattens embedded structs.
type commonModel struct {
	ID              types.String `tfsdk:"id"`
	CreatedAt       types.String `tfsdk:"created_at"`
	UpdatedAt       types.String `tfsdk:"updated_at"`
	Reference       types.String `tfsdk:"reference"`
	ReferenceOrigin types.String `tfsdk:"reference_origin"`
	Metadata        types.Map    `tfsdk:"metadata"`
}

func (c *commonModel) common() *commonModel { return c }

// model is what every entity model satisfies (through commonModel).
type model interface {
	common() *commonModel
}

// common gives the attributes every model shares. Every entity model embeds
// commonModel, so the assertion only fails on a programming error.
func common[M any](m *M) *commonModel {
	c, ok := any(m).(model)
	if !ok {
		panic(fmt.Sprintf("%T does not embed commonModel", m))
	}
	return c.common()
}

func (c *commonModel) fromAPI(r *jsonapi.Resource) {
	c.ID = types.StringValue(r.ID)
	c.CreatedAt = tfString(r, "created_at")
	c.UpdatedAt = tfString(r, "updated_at")
	c.Reference = tfString(r, "reference")
	c.ReferenceOrigin = tfString(r, "reference_origin")
	c.Metadata = tfMetadata(r)
}

func (c *commonModel) toAPI(ctx context.Context, attrs map[string]any) diag.Diagnostics {
	attrs["reference"] = apiString(c.Reference)
	attrs["reference_origin"] = apiString(c.ReferenceOrigin)
	md, d := apiMetadata(ctx, c.Metadata)
	attrs["metadata"] = md
	return d
}

// withCommon adds the common attributes to a resource schema's attributes.
func withCommon(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "The object's ID. Import with this ID.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["created_at"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "When the object was created (ISO 8601).",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["updated_at"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "When the object was last updated (ISO 8601).",
	}
	attrs["reference"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Any external identifier for the object (for example an ERP or CRM id). Removing it clears it.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["reference_origin"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "The third-party system that defines `reference`. Removing it clears it.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["metadata"] = schema.MapAttribute{
		Optional:    true,
		ElementType: types.StringType,
		MarkdownDescription: "Key-value pairs attached to the object. Values set outside Terraform that are not strings " +
			"show as their JSON text. Removing the map clears it; an empty map is not allowed (omit it instead).",
		Validators: []validator.Map{mapvalidator.SizeAtLeast(1)},
	}
	return attrs
}

// entity describes how one Provisioning object maps to Terraform: the one
// description that the generic resource and data sources work from.
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
	// createOnly names attributes and relationships the update schema does not
	// have; they are RequiresReplace and never sent in a PATCH.
	createOnly []string

	// delete overrides the default DELETE (for objects the API cannot delete).
	delete func(ctx context.Context, c *provisioning.Client, m *M) diag.Diagnostics
	// create overrides the plain POST (for adopting leftovers or singletons).
	create func(ctx context.Context, c *provisioning.Client, plan *M, body *jsonapi.Resource) (*jsonapi.Resource, diag.Diagnostics)
	// get overrides the plain GET by id (for the user singleton).
	get func(ctx context.Context, c *provisioning.Client, id string) (*jsonapi.Resource, error)
	// update overrides the plain PATCH of body (for actions that ride along
	// an update, such as resending an invitation).
	update func(ctx context.Context, c *provisioning.Client, plan, state *M, body *jsonapi.Resource) (*jsonapi.Resource, diag.Diagnostics)
	// validate checks a configuration across attributes, at plan time.
	validate func(ctx context.Context, m *M) diag.Diagnostics
	// configValidators are declarative cross-attribute rules (exactly one of...).
	configValidators []resource.ConfigValidator
	// derived names computed attributes the API derives from arguments, with
	// the arguments each depends on: planned unknown when one of those
	// changes, kept from the state otherwise.
	derived map[string][]string
}

// title is the human name used in messages: "api_credential" -> "API credential".
func (e *entity[M]) title() string {
	return strings.ReplaceAll(strings.ReplaceAll(e.name, "_", " "), "api ", "API ")
}

// body builds the JSON:API document of a model for a create (everything set)
// or, when prior is given, for an update (only what changed, nulls included).
func (e *entity[M]) body(ctx context.Context, m, prior *M, id string) (*jsonapi.Resource, diag.Diagnostics) {
	attrs, rels, diags := e.writable(ctx, m)
	r := &jsonapi.Resource{Type: e.apiType, ID: id}
	if prior == nil {
		for k, v := range attrs {
			if v != nil {
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
	createOnly := map[string]bool{}
	for _, k := range e.createOnly {
		createOnly[k] = true
	}
	for k, v := range attrs {
		if !createOnly[k] && !sameJSON(v, oldAttrs[k]) {
			r.SetAttr(k, v)
		}
	}
	for k, rel := range rels {
		if !createOnly[k] && !sameJSON(rel, oldRels[k]) {
			r.SetRel(k, rel)
		}
	}
	if r.Attributes == nil {
		// The spec requires an attributes object even when only a
		// relationship changes.
		r.Attributes = map[string]any{}
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

// fetch reads one object with its relationship ids: one GET.
func (e *entity[M]) fetch(ctx context.Context, c *provisioning.Client, id string) (*jsonapi.Resource, error) {
	if e.get != nil {
		return e.get(ctx, c, id)
	}
	return c.Get(ctx, e.apiType, id, e.include...)
}

// fill sets a whole model from an API object.
func (e *entity[M]) fill(ctx context.Context, r *jsonapi.Resource, m *M) diag.Diagnostics {
	common(m).fromAPI(r)
	return e.read(ctx, r, m)
}

// apiErrorDiags turns an API error into diagnostics, attaching each error
// with a source pointer to the attribute it names, so that Terraform shows
// the API's own words next to the user's configuration line.
func apiErrorDiags(summary string, err error, attrs map[string]schema.Attribute) diag.Diagnostics {
	var diags diag.Diagnostics
	apiErr, ok := provisioning.AsAPIError(err)
	if !ok || len(apiErr.Errors) == 0 {
		diags.AddError(summary, err.Error())
		return diags
	}
	for _, e := range apiErr.Errors {
		detail := e.Detail
		if detail == "" {
			detail = e.Title
		}
		detail = fmt.Sprintf("%s (HTTP %d, %s %s, code %s)", detail, apiErr.StatusCode, apiErr.Method, apiErr.Path, e.Code)
		if name := schemaAttributeFor(e.Source.Attribute(), attrs); name != "" {
			diags.AddAttributeError(path.Root(name), summary, fmt.Sprintf("%s: %s", name, detail))
			continue
		}
		diags.AddError(summary, detail)
	}
	return diags
}

// schemaAttributeFor maps an API attribute or relationship name to the
// Terraform attribute that carries it ("role" -> "role_id").
func schemaAttributeFor(apiName string, attrs map[string]schema.Attribute) string {
	if apiName == "" {
		return ""
	}
	if _, ok := attrs[apiName]; ok {
		return apiName
	}
	if _, ok := attrs[apiName+"_id"]; ok {
		return apiName + "_id"
	}
	return ""
}

var errNotConfigured = errors.New("the provider is not configured")
