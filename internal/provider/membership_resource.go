package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// NewMembershipResource manages one person's membership of an organization.
func NewMembershipResource() resource.Resource {
	return &jsonapiResource[membershipModel]{entity: membershipEntity}
}

type membershipModel struct {
	commonModel
	UserEmail            types.String `tfsdk:"user_email"`
	OrganizationID       types.String `tfsdk:"organization_id"`
	RoleID               types.String `tfsdk:"role_id"`
	MembershipProfileID  types.String `tfsdk:"membership_profile_id"`
	AccessScope          types.String `tfsdk:"access_scope"`
	TestEnabled          types.Bool   `tfsdk:"test_enabled"`
	EffectiveTestEnabled types.Bool   `tfsdk:"effective_test_enabled"`
	Status               types.String `tfsdk:"status"`
	Owner                types.Bool   `tfsdk:"owner"`
	UserFirstName        types.String `tfsdk:"user_first_name"`
	UserLastName         types.String `tfsdk:"user_last_name"`
	ResendInvitation     types.String `tfsdk:"resend_invitation"`
}

// membershipStatuses are the states of a membership: invited, then joined.
var membershipStatuses = []string{"pending", "active"}

var membershipEntity = &entity[membershipModel]{
	name:    "membership",
	apiType: "memberships",
	include: []string{"organization", "role", "membership_profile"},
	naturalKey: []keyPart{
		{api: "organization", filter: "organization_id_eq"},
		// The filter narrows; the case-insensitive comparison decides.
		{api: "user_email", filter: "user_email_i_cont", fold: true},
	},
	displayName: func(r *jsonapi.Resource) string { return r.String("user_email") },
	filters: []filterArg{
		{name: "organization_id", filter: "organization_id_eq", description: "Only memberships of this organization.", key: true},
		{name: "role_id", filter: "role_id_eq", description: "Only memberships with this role."},
		{name: "membership_profile_id", filter: "membership_profile_id_eq", description: "Only memberships in this profile."},
		{name: "status", filter: "status_eq", description: "Only memberships with this status: " + enumList(membershipStatuses) + ".",
			validators: []validator.String{stringvalidator.OneOf(membershipStatuses...)}},
		{name: "access_scope", filter: "access_scope_eq", description: "Only memberships with this access scope: " + enumList(accessScopes) + "."},
		{name: "user_email", filter: "user_email_eq", description: "Only the membership of this exact email address.", key: true},
		{name: "user_email_contains", filter: "user_email_i_cont", description: "Only memberships whose email contains this text (case-insensitive), e.g. `@example.com`.",
			validators: []validator.String{notEmpty(), singleLine()}},
	},
	schema: membershipSchema,
	write:  writeMembership,
	read:   readMembership,
	// The API derives test_enabled from the profile's scope too, which may
	// change in the same apply: any update may change it.
	derived: map[string][]string{"effective_test_enabled": {anyChange}},
	hooks: hooks[membershipModel]{
		beforeUpdate: resendInvitation,
		checkPlan:    keepOwnAccess,
		beforeDelete: refuseOwnerDelete,
	},
}

func membershipSchema() schema.Schema {
	attrs := withCommon(map[string]schema.Attribute{
		"user_email": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "The person's email address. Creating the membership emails them an invitation " +
				"(or activates the membership at once if the address already has a Commerce Layer account). Changing it replaces the membership.",
			Validators:    []validator.String{emailAddress()},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"organization_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "The organization. Changing it replaces the membership.",
			Validators:          []validator.String{objectID()},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"role_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "The role the person has in the organization (the built-in `admin` or `read_only` role, or a custom one). Changing it updates the membership in place.",
			Validators:          []validator.String{objectID()},
		},
		"membership_profile_id": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "The membership profile (group) the person belongs to. Where the profile and the membership disagree " +
				"on test access, the profile wins (see `effective_test_enabled`). Removing it takes the person out of the profile.",
			Validators: []validator.String{objectID()},
		},
		"effective_test_enabled": schema.BoolAttribute{
			Computed: true,
			MarkdownDescription: "Whether the person can use test data once the profile is taken into account: the profile's " +
				"setting wins over the membership's own `test_enabled` when they disagree (the API's `test_enabled`).",
		},
		"status": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "One of " + enumList(membershipStatuses) + ": `pending` until the person accepts the invitation, then `active`.",
		},
		"owner": schema.BoolAttribute{
			Computed:            true,
			MarkdownDescription: "Whether the person owns the organization. The owner's membership cannot be destroyed before ownership is transferred.",
		},
		"user_first_name": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The person's first name, once they have an account.",
		},
		"user_last_name": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The person's last name, once they have an account.",
		},
		"resend_invitation": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "A trigger of the resource, never sent to the API (and null in data sources). Any change of its " +
				"value (a date, a counter) re-sends the invitation email of a `pending` membership. Setting it when creating the membership sends nothing " +
				"extra (creating already invites); for an `active` membership a change only warns. It works on every supported " +
				"Terraform version; from Terraform 1.14 on, the `clprovisioning_membership_resend_invitation` action does the same " +
				"without a value to keep changing (`terraform apply -invoke=...`, or an `action_trigger`), and fails instead of warning " +
				"when the membership is already active.",
		},
	})
	for k, v := range accessScopeAttributes("member") {
		attrs[k] = v
	}
	return schema.Schema{
		MarkdownDescription: "A person's membership of an organization: their role, their profile (group) and whether they " +
			"may use test data. Destroying it removes the person from the organization; the owner's membership cannot be " +
			"destroyed before ownership is transferred.",
		Attributes: attrs,
	}
}

func writeMembership(_ context.Context, m *membershipModel) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics) {
	return map[string]any{
			"user_email":   apiString(m.UserEmail),
			"access_scope": apiString(m.AccessScope),
		}, map[string]jsonapi.Relationship{
			"organization":       apiRel("organizations", m.OrganizationID),
			"role":               apiRel("roles", m.RoleID),
			"membership_profile": apiRel("membership_profiles", m.MembershipProfileID),
		}, nil
}

func readMembership(_ context.Context, r *jsonapi.Resource, m *membershipModel) diag.Diagnostics {
	m.UserEmail = tfString(r, "user_email")
	m.OrganizationID = tfRelID(r, "organization")
	m.RoleID = tfRelID(r, "role")
	m.MembershipProfileID = tfRelID(r, "membership_profile")
	m.AccessScope, m.TestEnabled = readAccessScope(r)
	m.EffectiveTestEnabled = tfBool(r, "test_enabled")
	m.Status = tfString(r, "status")
	m.Owner = tfBool(r, "owner")
	m.UserFirstName = tfString(r, "user_first_name")
	m.UserLastName = tfString(r, "user_last_name")
	return nil
}

// resendInvitation re-sends a pending membership's invitation when the
// resend_invitation trigger changed (the PATCH carries the rest).
func resendInvitation(ctx context.Context, x *exchange, plan, state *membershipModel, _ *jsonapi.Resource) error {
	if plan.ResendInvitation.Equal(state.ResendInvitation) {
		return nil
	}
	if state.Status.ValueString() != "pending" {
		x.warn("resend_invitation", "Invitation not re-sent",
			fmt.Sprintf("The membership of %s is %s: only pending memberships have an invitation to re-send.",
				state.UserEmail.ValueString(), state.Status.ValueString()))
		return nil
	}
	if err := x.client.Action(ctx, "POST", provisioning.Path("memberships", state.ID.ValueString(), "resend"), nil); err != nil {
		return fmt.Errorf("resending the invitation: %w", err)
	}
	return nil
}

// refuseOwnerDelete refuses to try on the owner's membership, which the API
// keeps until ownership moves to someone else.
func refuseOwnerDelete(_ context.Context, _ *exchange, m *membershipModel) error {
	if !m.Owner.ValueBool() {
		return nil
	}
	return &attrError{summary: "Cannot destroy the owner's membership", detail: fmt.Sprintf(
		"%s owns organization %s, and an owner's membership cannot be deleted. Transfer ownership of the "+
			"organization to another member first (in the Dashboard, or PATCH /api/organizations/%s/transfer_ownership), "+
			"or stop managing this membership with a `removed` block or `terraform state rm`.",
		m.UserEmail.ValueString(), m.OrganizationID.ValueString(), m.OrganizationID.ValueString())}
}

// keepOwnAccess refuses at plan what the API would accept but what would lock
// the provider out for good: removing the membership of the user whose
// credentials it uses, or giving it the read_only role. Every later apply
// would then lack the permissions to undo it. The owner's membership is
// refused as the API would refuse it. The provider argument
// allow_own_access_removal lets such a plan through.
func keepOwnAccess(ctx context.Context, x *exchange, plan, state *membershipModel) error {
	if plan == nil {
		if err := refuseOwnerDelete(ctx, x, state); err != nil {
			return err
		}
	}
	if x.session.allowOwnAccessRemoval {
		return nil
	}
	readOnly := false
	if plan != nil {
		if !known(plan.RoleID) || plan.RoleID.Equal(state.RoleID) {
			return nil
		}
	}
	mine, err := x.session.isSignedInUser(ctx, state.UserEmail.ValueString())
	if err != nil || !mine {
		return err
	}
	if plan != nil {
		role, err := x.client.Get(ctx, "roles", plan.RoleID.ValueString())
		if err != nil {
			return fmt.Errorf("reading the planned role: %w", err)
		}
		if readOnly = role.String("kind") == "read_only"; !readOnly {
			return nil
		}
	}
	what, attribute := "remove", ""
	if readOnly {
		what, attribute = "give the read_only role to", "role_id"
	}
	return &attrError{attribute: attribute, summary: "This plan would lock the provider out", detail: fmt.Sprintf(
		"%s is the user whose credentials this provider uses. This plan would %s its membership of organization %s: "+
			"every later apply would lack the permissions to manage the organization, and could not undo it. Let another "+
			"user's credentials make this change, or set allow_own_access_removal = true in the provider block if it is "+
			"intended.", state.UserEmail.ValueString(), what, state.OrganizationID.ValueString())}
}
