package provider

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// jsonapiResource is the one implementation of the resource contract that
// every entity uses: Create is one POST (exactly once, see create.go), Read
// one GET (with include), Update one PATCH of what changed, Delete one DELETE
// (or the entity's own rule), and import by id. Entities extend it only
// through their hooks.
type jsonapiResource[M any] struct {
	client  *provisioning.Client
	session *session
	entity  *entity[M]
}

// anyModel stands for every entity model in the interface checks.
type anyModel struct{ commonModel }

var (
	_ resource.ResourceWithConfigure        = (*jsonapiResource[anyModel])(nil)
	_ resource.ResourceWithImportState      = (*jsonapiResource[anyModel])(nil)
	_ resource.ResourceWithValidateConfig   = (*jsonapiResource[anyModel])(nil)
	_ resource.ResourceWithConfigValidators = (*jsonapiResource[anyModel])(nil)
	_ resource.ResourceWithModifyPlan       = (*jsonapiResource[anyModel])(nil)
	_ resource.ResourceWithIdentity         = (*jsonapiResource[anyModel])(nil)
)

func (r *jsonapiResource[M]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.entity.name
}

func (r *jsonapiResource[M]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.entity.resourceSchema()
}

// IdentitySchema: every object is identified by its id (Terraform 1.12+
// imports by `identity = { id = ... }`).
func (r *jsonapiResource[M]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"id": identityschema.StringAttribute{
			RequiredForImport: true,
			Description:       "The object's ID.",
		},
	}}
}

// setIdentity records the identity of the object in state; on CLIs without
// identity the framework gives no identity to set.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id types.String) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.SetAttribute(ctx, path.Root("id"), id)
}

func (r *jsonapiResource[M]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
	r.session = sessionFrom(req.ProviderData)
}

func (r *jsonapiResource[M]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	resp.Diagnostics.Append(r.entity.decode(ctx, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(r.writeOnlyFromConfig(ctx, req.Config, &plan, nil)...)
	x := r.exchange(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	created, err := r.entity.create(ctx, x, &plan)
	r.finish(ctx, x, "create", err, &resp.Diagnostics)
	if err != nil {
		return
	}
	resp.Diagnostics.Append(r.entity.fill(ctx, created, &plan)...)
	resp.Diagnostics.Append(r.entity.store(ctx, &resp.State, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, common(&plan).ID)...)
}

func (r *jsonapiResource[M]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	resp.Diagnostics.Append(r.entity.decode(ctx, req.State.Raw, &state)...)
	x := r.exchange(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := common(&state).ID.ValueString()
	obj, err := r.entity.fetchFresh(ctx, x.client, id, common(&state).CreatedAt)
	if provisioning.IsNotFound(err) {
		if lost := r.entity.accessLost(ctx, x.client, id, req.State); lost != nil {
			r.finish(ctx, x, "read", lost, &resp.Diagnostics)
			return
		}
		// Deleted outside Terraform: forget it so the next plan recreates it.
		resp.Diagnostics.AddWarning(fmt.Sprintf("%s %s no longer exists", capitalize(r.entity.title()), id),
			"It was deleted outside Terraform and has been removed from the state; the plan will create it again.")
		tflog.Warn(ctx, "object gone, removing from state", map[string]any{"type": r.entity.apiType, "id": id})
		// The framework wants an identity even for a removed object.
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, common(&state).ID)...)
		resp.State.RemoveResource(ctx)
		return
	}
	r.finish(ctx, x, "read", err, &resp.Diagnostics)
	if err != nil {
		return
	}
	resp.Diagnostics.Append(r.entity.fill(ctx, obj, &state)...)
	resp.Diagnostics.Append(r.entity.store(ctx, &resp.State, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, common(&state).ID)...)
}

func (r *jsonapiResource[M]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state M
	resp.Diagnostics.Append(r.entity.decode(ctx, req.Plan.Raw, &plan)...)
	resp.Diagnostics.Append(r.entity.decode(ctx, req.State.Raw, &state)...)
	resp.Diagnostics.Append(r.writeOnlyFromConfig(ctx, req.Config, &plan, &req.State)...)
	x := r.exchange(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	updated, err := r.entity.update(ctx, x, &plan, &state)
	r.finish(ctx, x, "update", err, &resp.Diagnostics)
	if err != nil {
		return
	}
	resp.Diagnostics.Append(r.entity.fill(ctx, updated, &plan)...)
	resp.Diagnostics.Append(r.entity.store(ctx, &resp.State, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, common(&plan).ID)...)
}

func (r *jsonapiResource[M]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(r.entity.decode(ctx, req.State.Raw, &state)...)
	x := r.exchange(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.finish(ctx, x, "delete", r.entity.remove(ctx, x, &state), &resp.Diagnostics)
}

func (r *jsonapiResource[M]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
}

func (r *jsonapiResource[M]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if r.entity.validate == nil {
		return
	}
	var m M
	resp.Diagnostics.Append(r.entity.decode(ctx, req.Config.Raw, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.entity.validate(ctx, &m)...)
}

func (r *jsonapiResource[M]) ConfigValidators(context.Context) []resource.ConfigValidator {
	return r.entity.configValidators
}

// ModifyPlan runs after the attribute plan modifiers. Where those (and not
// the configuration) made the plan differ from the state — access_scope
// following test_enabled, say — Terraform has not marked the computed values
// an update changes as unknown: do it here, so the apply's result matches.
func (r *jsonapiResource[M]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.State.Raw.IsNull() && !req.Plan.Raw.Equal(req.State.Raw) && r.entity.hooks.checkPlan != nil && r.session != nil {
		r.checkPlan(ctx, req, resp)
	}
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) || resp.Diagnostics.HasError() {
		return
	}
	attrs := r.entity.attributes()
	unknown := func(name string) tftypes.Value {
		return tftypes.NewValue(attrs[name].GetType().TerraformType(ctx), tftypes.UnknownValue)
	}
	value := func(raw tftypes.Value, name string) tftypes.Value {
		v, _, err := tftypes.WalkAttributePath(raw, tftypes.NewAttributePath().WithAttributeName(name))
		if tv, ok := v.(tftypes.Value); ok && err == nil {
			return tv
		}
		return unknown(name)
	}
	set := func(name string, v tftypes.Value) {
		av, err := attrs[name].GetType().ValueFromTerraform(ctx, v)
		if err != nil {
			resp.Diagnostics.AddError("Planning "+name, err.Error())
			return
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), av)...)
	}
	set("updated_at", unknown("updated_at")) // every update changes it
	for name, deps := range r.entity.derived {
		changed := false
		for _, dep := range deps {
			if dep == anyChange {
				changed = true
				break
			}
			p := value(req.Plan.Raw, dep)
			changed = changed || !p.IsFullyKnown() || !p.Equal(value(req.State.Raw, dep))
		}
		if changed {
			set(name, unknown(name))
		} else {
			set(name, value(req.State.Raw, name))
		}
	}
}

// checkPlan runs the entity's checkPlan hook on an update or a destroy
// (plan nil).
func (r *jsonapiResource[M]) checkPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state, planned M
	plan := &planned
	resp.Diagnostics.Append(r.entity.decode(ctx, req.State.Raw, &state)...)
	if req.Plan.Raw.IsNull() {
		plan = nil
	} else {
		resp.Diagnostics.Append(r.entity.decode(ctx, req.Plan.Raw, plan)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	x := r.exchange(&resp.Diagnostics)
	op := "update"
	if plan == nil {
		op = "destroy"
	}
	r.finish(ctx, x, op, r.entity.hooks.checkPlan(ctx, x, plan, &state), &resp.Diagnostics)
}

// writeOnlyFromConfig copies the entity's write-only arguments from the
// configuration (Terraform keeps them nowhere else) into the plan's model:
// on create, and on update when the argument that versions them changed.
func (r *jsonapiResource[M]) writeOnlyFromConfig(ctx context.Context, config tfsdk.Config, plan *M, state *tfsdk.State) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(r.entity.writeOnly) == 0 {
		return diags
	}
	planned := tfsdk.Plan{Schema: config.Schema}
	diags.Append(r.entity.store(ctx, &planned, plan)...)
	for name, version := range r.entity.writeOnly {
		if state != nil {
			var was, is types.Number
			diags.Append(state.GetAttribute(ctx, path.Root(version), &was)...)
			diags.Append(planned.GetAttribute(ctx, path.Root(version), &is)...)
			if was.Equal(is) {
				continue
			}
		}
		var v types.String
		diags.Append(config.GetAttribute(ctx, path.Root(name), &v)...)
		diags.Append(planned.SetAttribute(ctx, path.Root(name), v)...)
	}
	diags.Append(r.entity.decode(ctx, planned.Raw, plan)...)
	return diags
}

// exchange gives the hooks the client; without one (the provider not yet
// configured) it reports the error.
func (r *jsonapiResource[M]) exchange(diags *diag.Diagnostics) *exchange {
	if r.client == nil {
		diags.AddError("Provider not configured", errNotConfigured.Error())
	}
	return &exchange{client: r.client, session: r.session}
}

// finish adds the hooks' warnings and, on failure, the error's diagnostics.
func (r *jsonapiResource[M]) finish(ctx context.Context, x *exchange, op string, err error, diags *diag.Diagnostics) {
	diags.Append(x.warnings...)
	if err != nil {
		diags.Append(r.entity.errorDiags(ctx, op, err)...)
	}
}

// errorDiags is how every failure of an entity's operation is reported.
func (e *entity[M]) errorDiags(_ context.Context, op string, err error) diag.Diagnostics {
	summary := fmt.Sprintf("Could not %s %s", op, e.title())
	if provisioning.IsNotAllowed(err) {
		var diags diag.Diagnostics
		diags.AddError(summary, fmt.Sprintf("%v. To %s %s, the user of the provider's credentials needs %s.",
			err, op, article(e.title()), cmp.Or(e.permission, "the admin role in the organization")))
		return diags
	}
	return errorDiags(summary, err, e.attributes())
}

// article puts "a" or "an" before a name.
func article(s string) string {
	if strings.ContainsRune("aeiouAEIOU", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

// clientFrom takes the API client the provider's Configure produced.
func clientFrom(data any, diags *diag.Diagnostics) *provisioning.Client {
	if data == nil {
		return nil // the provider is not configured yet (validation)
	}
	s, ok := data.(*session)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *session, got %T", data))
		return nil
	}
	return s.client
}
