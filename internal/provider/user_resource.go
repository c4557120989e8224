package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// NewUserResource manages the signed-in user's own profile. The user is a
// singleton of the API (GET/PATCH /api/user): create adopts it, destroy
// forgets it.
func NewUserResource() resource.Resource {
	return &jsonapiResource[userModel]{entity: userEntity}
}

type userModel struct {
	commonModel
	Email               types.String `tfsdk:"email"`
	FirstName           types.String `tfsdk:"first_name"`
	LastName            types.String `tfsdk:"last_name"`
	TimeZone            types.String `tfsdk:"time_zone"`
	OTPRequiredForLogin types.Bool   `tfsdk:"otp_required_for_login"`
}

var userEntity = &entity[userModel]{
	name:    "user",
	apiType: "users",
	schema:  userSchema,
	write: func(_ context.Context, m *userModel) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics) {
		return map[string]any{
			"first_name": apiString(m.FirstName),
			"last_name":  apiString(m.LastName),
			"time_zone":  apiString(m.TimeZone),
		}, nil, nil
	},
	read: func(_ context.Context, r *jsonapi.Resource, m *userModel) diag.Diagnostics {
		m.Email = tfString(r, "email")
		m.FirstName = tfString(r, "first_name")
		m.LastName = tfString(r, "last_name")
		m.TimeZone = tfString(r, "time_zone")
		m.OTPRequiredForLogin = tfBool(r, "otp_required_for_login")
		return nil
	},
	singleton: "user",
	forget:    "A user cannot be deleted through the API. The signed-in user was removed from the Terraform state and keeps the profile it has now.",
}

func userSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "The profile of the user the provider signs in as (the API's `user` singleton). Creating the " +
			"resource adopts that user — one PATCH of the configured values — and destroying it only removes it from the " +
			"state, with a warning. `first_name` and `last_name` are left as they are when not set (the API cannot clear them); " +
			"`time_zone`, `reference`, `reference_origin` and `metadata` are cleared when not set, from the first apply on. `email` is read-only here: changing the sign-in address of the " +
			"identity Terraform itself signs in as could lock the pipeline out, so do it in the Dashboard.",
		Attributes: withCommon(map[string]schema.Attribute{
			"email": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The user's email address (read-only here: the Dashboard is where it is changed).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"first_name": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The user's first name, on one line. Left as it is when not set.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), singleLine()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"last_name": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The user's last name, on one line. Left as it is when not set.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), singleLine()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"time_zone": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The user's time zone: a name of the IANA time zone database, e.g. `Europe/Rome`, `America/New_York` or `UTC`. Removing it clears it.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), timeZone()},
			},
			"otp_required_for_login": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether the user signs in with a second factor (one-time password).",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		}),
	}
}
