package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// jsonapiResource is the one implementation of the resource contract that
// every entity uses: Create is one POST, Read one GET (with include), Update
// one PATCH of what changed, Delete one DELETE (or the entity's own rule),
// and import by id.
type jsonapiResource[M any] struct {
	client *provisioning.Client
	entity *entity[M]
}

var (
	_ resource.ResourceWithConfigure        = (*jsonapiResource[organizationModel])(nil)
	_ resource.ResourceWithImportState      = (*jsonapiResource[organizationModel])(nil)
	_ resource.ResourceWithValidateConfig   = (*jsonapiResource[organizationModel])(nil)
	_ resource.ResourceWithConfigValidators = (*jsonapiResource[organizationModel])(nil)
	_ resource.ResourceWithModifyPlan       = (*jsonapiResource[organizationModel])(nil)
)

func (r *jsonapiResource[M]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.entity.name
}

func (r *jsonapiResource[M]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.entity.schema()
}

func (r *jsonapiResource[M]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *jsonapiResource[M]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	body, diags := r.entity.body(ctx, &plan, nil, "")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var created *jsonapi.Resource
	if r.entity.create != nil {
		created, diags = r.entity.create(ctx, r.client, &plan, body)
		resp.Diagnostics.Append(diags...)
	} else {
		var err error
		created, err = r.client.Create(ctx, body, r.entity.include...)
		if err != nil {
			resp.Diagnostics.Append(r.errorDiags("create", err)...)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.entity.fill(ctx, created, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *jsonapiResource[M]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	id := common(&state).ID.ValueString()
	obj, err := r.entity.fetch(ctx, r.client, id)
	if provisioning.IsNotFound(err) {
		// Deleted outside Terraform: forget it so the next plan recreates it.
		resp.Diagnostics.AddWarning(fmt.Sprintf("%s %s no longer exists", r.entity.title(), id),
			"It was deleted outside Terraform and has been removed from the state; the plan will create it again.")
		tflog.Warn(ctx, "object gone, removing from state", map[string]any{"type": r.entity.apiType, "id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(r.errorDiags("read", err)...)
		return
	}
	resp.Diagnostics.Append(r.entity.fill(ctx, obj, &state)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *jsonapiResource[M]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	id := common(&state).ID.ValueString()
	body, diags := r.entity.body(ctx, &plan, &state, id)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var updated *jsonapi.Resource
	if r.entity.update != nil {
		updated, diags = r.entity.update(ctx, r.client, &plan, &state, body)
		resp.Diagnostics.Append(diags...)
	} else {
		var err error
		updated, err = r.client.Update(ctx, body, r.entity.include...)
		if err != nil {
			resp.Diagnostics.Append(r.errorDiags("update", err)...)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.entity.fill(ctx, updated, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *jsonapiResource[M]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	if r.entity.delete != nil {
		resp.Diagnostics.Append(r.entity.delete(ctx, r.client, &state)...)
		return
	}
	id := common(&state).ID.ValueString()
	err := r.client.Delete(ctx, r.entity.apiType, id)
	if err != nil && !provisioning.IsNotFound(err) {
		resp.Diagnostics.Append(r.errorDiags("delete", err)...)
	}
}

func (r *jsonapiResource[M]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if r.entity.validate == nil {
		return
	}
	var m M
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
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
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	attrs := r.entity.schema().Attributes
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

func (r *jsonapiResource[M]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func (r *jsonapiResource[M]) ready(diags *diag.Diagnostics) bool {
	if r.client == nil {
		diags.AddError("Provider not configured", errNotConfigured.Error())
		return false
	}
	return true
}

func (r *jsonapiResource[M]) errorDiags(op string, err error) diag.Diagnostics {
	return apiErrorDiags(fmt.Sprintf("Could not %s %s", op, r.entity.title()), err, r.entity.schema().Attributes)
}

// clientFrom takes the API client the provider's Configure produced.
func clientFrom(data any, diags *diag.Diagnostics) *provisioning.Client {
	if data == nil {
		return nil // the provider is not configured yet (validation)
	}
	c, ok := data.(*provisioning.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *provisioning.Client, got %T", data))
	}
	return c
}
