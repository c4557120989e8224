package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
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
		PlanModifiers:       []planmodifier.String{updatedAtPlan{}},
	}
	attrs["reference"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Any external identifier for the object (for example an ERP or CRM id), on one line. Removing it clears it.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1), singleLine()},
	}
	attrs["reference_origin"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "The third-party system that defines `reference`, on one line. Removing it clears it.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1), singleLine()},
	}
	attrs["metadata"] = schema.MapAttribute{
		Optional:    true,
		ElementType: types.StringType,
		MarkdownDescription: "Key-value pairs attached to the object; every value is a string (`\"\"` for an empty one, " +
			"never null). Values set outside Terraform that are not strings show as their JSON text. Removing the map " +
			"clears it; an empty map is not allowed (omit it instead).",
		Validators: []validator.Map{mapvalidator.SizeAtLeast(1), metadataValues{}},
	}
	return attrs
}

// updatedAtPlan keeps updated_at when the configuration differs from the
// state only in words, not in meaning (filters written in another order,
// 202 as "202"). Terraform proposes the configured filters, the framework
// sees a change and marks every computed value unknown before filtersPlan
// plans the state's filters back; without this, updated_at alone would
// still show "(known after apply)" in a plan with nothing to do. Whatever
// else stays different makes the entity's ModifyPlan mark it unknown again.
type updatedAtPlan struct{}

func (updatedAtPlan) Description(context.Context) string {
	return "kept when the configuration asks nothing new"
}

func (m updatedAtPlan) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (updatedAtPlan) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || !req.PlanValue.IsUnknown() || req.StateValue.IsNull() {
		return
	}
	if sameInMeaning(ctx, req.Config.Raw, req.Plan.Raw, req.State.Raw, req.Plan.Schema.GetAttributes()) {
		resp.PlanValue = req.StateValue
	}
}

// sameInMeaning tells whether a proposed plan asks nothing of the state:
// every attribute is as in the state, or a filters value that means the
// same, or a computed one left unknown (not configured) for its own plan
// modifier to settle.
func sameInMeaning[A interface{ GetType() attr.Type }](ctx context.Context, config, plan, state tftypes.Value, attributes map[string]A) bool {
	get := func(v tftypes.Value, name string) (tftypes.Value, bool) {
		x, _, err := tftypes.WalkAttributePath(v, tftypes.NewAttributePath().WithAttributeName(name))
		tv, ok := x.(tftypes.Value)
		return tv, ok && err == nil
	}
	for name, a := range attributes {
		p, okP := get(plan, name)
		s, okS := get(state, name)
		c, okC := get(config, name)
		switch {
		case !okP || !okS || !okC:
			return false
		case p.Equal(s):
		case !p.IsKnown() && c.IsNull():
		default:
			t, ok := a.GetType().(filtersType)
			if !ok {
				return false
			}
			pv, errP := t.ValueFromTerraform(ctx, p)
			sv, errS := t.ValueFromTerraform(ctx, s)
			if errP != nil || errS != nil {
				return false
			}
			pf, isP := pv.(filtersValue)
			sf, isS := sv.(filtersValue)
			if !isP || !isS || pf.IsNull() || sf.IsNull() {
				return false
			}
			if same, diags := pf.DynamicSemanticEquals(ctx, sf); !same || diags.HasError() {
				return false
			}
		}
	}
	return true
}
