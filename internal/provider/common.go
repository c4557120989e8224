package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
