package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// listResource is the list resource of an entity (`list` blocks of
// `terraform query`, Terraform 1.14+): its configuration takes the filters
// of the entity's plural data source, it reads the list 25 at a time, and
// each result carries the object's identity (its id), a display name a
// person recognises and, with `include_resource`, the whole object as the
// resource would hold it after an import.
type listResource[M any] struct {
	client *provisioning.Client
	entity *entity[M]
}

var (
	_ list.ListResourceWithConfigure = (*listResource[anyModel])(nil)
)

// newListResource is the constructor of an entity's list resource.
func newListResource[M any](e *entity[M]) func() list.ListResource {
	return func() list.ListResource { return &listResource[M]{entity: e} }
}

// listResources are the list resources of every entity that can be listed
// and imported: all but the user, a singleton.
func listResources() []func() list.ListResource {
	return []func() list.ListResource{
		newListResource(organizationEntity),
		newListResource(roleEntity),
		newListResource(permissionEntity),
		newListResource(membershipEntity),
		newListResource(membershipProfileEntity),
		newListResource(apiCredentialResourceEntity),
		newListResource(applicationMembershipEntity),
		newListResource(identityProviderEntity),
	}
}

// Metadata names the list resource like the resource it lists.
func (l *listResource[M]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + l.entity.name
}

func (l *listResource[M]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := make(map[string]listschema.Attribute, len(l.entity.filters))
	for _, f := range l.entity.filters {
		attrs[f.name] = listschema.StringAttribute{Optional: true, MarkdownDescription: f.description, Validators: l.entity.filterValidators(f)}
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: fmt.Sprintf("Finds existing %s objects for `terraform query` (Terraform 1.14 and later), "+
			"optionally narrowed by the arguments below (the same as the `clprovisioning_%s` data source's); "+
			"with no argument it finds every one the credentials can see. Each result is identified by the object's `id` "+
			"and shown by a name a person recognises: the e-mail of a membership, the role and subject of a permission, "+
			"the application and the person or profile of an application membership, otherwise a name. "+
			"`terraform query -generate-config-out=FILE` writes a `clprovisioning_%s` resource and an `import` block for each.",
			l.entity.title(), l.entity.apiType, l.entity.name),
		Attributes: attrs,
	}
}

func (l *listResource[M]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// List reads the matching objects (25 at a time, every page) and streams
// them, at most req.Limit.
func (l *listResource[M]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	values, diags := filterValues(ctx, req.Config, l.entity.filters)
	if l.client == nil {
		diags.AddError("Provider not configured", errNotConfigured.Error())
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	found, err := l.entity.list(ctx, l.client, values)
	if err != nil {
		stream.Results = list.ListResultsStreamDiagnostics(
			errorDiags("Could not list "+l.entity.apiType, err, l.entity.attributes()))
		return
	}
	sensitive := sensitiveAttributes(l.entity.attributes())
	stream.Results = func(push func(list.ListResult) bool) {
		for i := range found {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			if !push(l.result(ctx, req, &found[i], sensitive)) {
				return
			}
		}
	}
}

// result is one object as a list result.
func (l *listResource[M]) result(ctx context.Context, req list.ListRequest, obj *jsonapi.Resource, sensitive []string) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = l.entity.display(obj)
	r.Diagnostics.Append(r.Identity.SetAttribute(ctx, path.Root("id"), types.StringValue(obj.ID))...)
	if req.IncludeResource {
		var m M
		r.Diagnostics.Append(l.entity.fill(ctx, obj, &m)...)
		r.Diagnostics.Append(l.entity.store(ctx, r.Resource, &m)...)
		r.Diagnostics.Append(withoutSecrets(ctx, r.Resource, sensitive)...)
	}
	return r
}

// filterValues reads the filter arguments set in a configuration.
func filterValues(ctx context.Context, config tfsdk.Config, filters []filterArg) (map[string]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	values := map[string]string{}
	if config.Raw.IsNull() {
		return values, diags
	}
	for _, f := range filters {
		var v types.String
		diags.Append(config.GetAttribute(ctx, path.Root(f.name), &v)...)
		if !v.IsNull() && !v.IsUnknown() {
			values[f.name] = v.ValueString()
		}
	}
	return values, diags
}

// sensitiveAttributes are the top-level sensitive attributes of a schema.
func sensitiveAttributes(attrs map[string]rschema.Attribute) []string {
	var out []string
	for name, a := range attrs {
		if a.IsSensitive() {
			out = append(out, name)
		}
	}
	return out
}

// withoutSecrets nulls the sensitive attributes of a listed object: a list
// shows what exists, and secrets stay out of it (an import reads them).
// Computed secrets are not written into generated configuration anyway.
func withoutSecrets(ctx context.Context, r *tfsdk.Resource, sensitive []string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, name := range sensitive {
		a, d := r.Schema.AttributeAtPath(ctx, path.Root(name))
		diags.Append(d...)
		if a == nil {
			continue
		}
		null, err := a.GetType().ValueFromTerraform(ctx, tftypes.NewValue(a.GetType().TerraformType(ctx), nil))
		if err != nil {
			diags.AddError("Listing "+name, err.Error())
			continue
		}
		diags.Append(r.SetAttribute(ctx, path.Root(name), null)...)
	}
	return diags
}

// relatedString is an attribute of an object a relationship points to, when
// it was included ("" otherwise).
func relatedString(r *jsonapi.Resource, rel, attr string) string {
	for _, o := range r.Related(rel) {
		if s := o.String(attr); s != "" {
			return s
		}
	}
	return ""
}

// withDetail is "main (detail)", or main alone.
func withDetail(main, detail string) string {
	if detail == "" {
		return main
	}
	return main + " (" + detail + ")"
}
