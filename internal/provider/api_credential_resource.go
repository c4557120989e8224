package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// NewAPICredentialResource manages an API credential: an application that
// reaches the Core API of an organization.
func NewAPICredentialResource() resource.Resource {
	return &jsonapiResource[apiCredentialResourceModel]{entity: apiCredentialResourceEntity}
}

type apiCredentialModel struct {
	commonModel
	Name           types.String `tfsdk:"name"`
	Kind           types.String `tfsdk:"kind"`
	OrganizationID types.String `tfsdk:"organization_id"`
	RoleID         types.String `tfsdk:"role_id"`
	Mode           types.String `tfsdk:"mode"`
	Custom         types.Bool   `tfsdk:"custom"`
	RedirectURI    types.String `tfsdk:"redirect_uri"`
	ExpiresIn      types.Number `tfsdk:"expires_in"`
	ClientID       types.String `tfsdk:"client_id"`
	ClientSecret   types.String `tfsdk:"client_secret"`
	Scopes         types.String `tfsdk:"scopes"`
	Confidential   types.Bool   `tfsdk:"confidential"`
}

// The documented kinds of API credential.
const (
	kindSalesChannel = "sales_channel"
	kindIntegration  = "integration"
	kindWebapp       = "webapp"
)

// dashboardAppKinds are the Dashboard apps a credential can fork, as the
// docs list them today (docs.commercelayer.io/provisioning/getting-started/
// applications). Only documentation: the API's kind is a free string (the
// spec has no enum) and the Dashboard adds apps over time, so any non-empty
// kind is accepted and only the documented role rules are checked.
var dashboardAppKinds = []string{
	"bundles", "customers", "exports", "gift_cards", "imports", "inventory", "orders", "price_lists", "promotions",
	"returns", "shipments", "sku_lists", "skus", "stock_transfers", "subscriptions", "tags", "webhooks",
}

// credentialModes are the environments of an API credential.
var credentialModes = []string{"test", "live"}

// Token lifetimes, in seconds.
const (
	minExpiresIn          = 7200
	maxExpiresIn          = 31536000
	salesChannelExpiresIn = 14400 // the API's default for sales channels
	otherExpiresIn        = 7200  // the API's default for every other kind
)

// defaultExpiresIn is the token lifetime the API gives a kind by default.
func defaultExpiresIn(kind string) int64 {
	if kind == kindSalesChannel {
		return salesChannelExpiresIn
	}
	return otherExpiresIn
}

var apiCredentialEntity = &entity[apiCredentialModel]{
	derived: map[string][]string{"scopes": {"role_id"}},
	name:    "api_credential",
	apiType: "api_credentials",
	include: []string{"organization", "role"},
	naturalKey: []keyPart{
		{api: "organization", filter: "organization_id_eq"}, {api: "name", filter: "name_eq"}, {api: "kind", filter: "kind_eq"},
	},
	lookFirst: true,
	filters: []filterArg{
		{name: "organization_id", filter: "organization_id_eq", description: "Only credentials of this organization.", key: true},
		{name: "role_id", filter: "role_id_eq", description: "Only credentials with this role."},
		{name: "kind", filter: "kind_eq", description: "Only credentials of this kind, e.g. `integration` or `sales_channel`."},
		{name: "mode", filter: "mode_eq", description: "Only credentials of this mode: " + enumList(credentialModes) + "."},
		{name: "name", filter: "name_eq", description: "Only credentials with exactly this name.", key: true},
	},
	schema:   apiCredentialSchema,
	write:    writeAPICredential,
	read:     readAPICredential,
	validate: validateAPICredential,
}

func apiCredentialSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "An API credential: an application (storefront, integration, web app or forked Dashboard app) " +
			"that reaches the Core API of an organization. `client_id` and `client_secret` are what the application " +
			"authenticates with; the secret is stored in the state (marked sensitive). Custom Dashboard apps " +
			"(`custom = true`) need an Enterprise plan.",
		Attributes: withCommon(map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The credential's name, on one line.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), singleLine()},
			},
			"kind": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "What the credential is for: `sales_channel` (a storefront: public, no role), `integration` " +
					"(a back-end: confidential, needs `role_id`), `webapp` (authorization-code flow with the signed-in user's " +
					"permissions, no role), the Dashboard app to fork (today `" + strings.Join(dashboardAppKinds, "`, `") + "`), or `resources`. " +
					"Any other kind is sent to the API as it is, so apps the Dashboard adds later need no new provider version. " +
					"Changing it replaces the credential.",
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1), credentialKind()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"organization_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The organization the credential belongs to. Changing it replaces the credential.",
				Validators:          []validator.String{objectID()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"role_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The role the credential acts with (the organization's `admin` or `read_only` role, or a " +
					"custom role on Enterprise plans). Required for `integration`; not allowed for `sales_channel` and " +
					"`webapp`. Changing it updates the credential in place; removing it unlinks the role.",
				Validators: []validator.String{objectID()},
			},
			"mode": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The environment: " + enumList(credentialModes) + ". When omitted, the API's default applies and is read back after create. " +
					"Changing it replaces the credential.",
				Validators: []validator.String{stringvalidator.OneOf(credentialModes...)},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"custom": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Whether the credential backs a custom (forked) Dashboard app. `false` when omitted. " +
					"Changing it replaces the credential.",
				PlanModifiers: []planmodifier.Bool{
					boolplanmodifier.UseStateForUnknown(),
					boolplanmodifier.RequiresReplace(),
				},
			},
			"redirect_uri": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The redirect URI of the authorization-code flow (web apps): an `https://` URL without a " +
					"`#fragment` (plain `http://` only towards a loopback host: `localhost`, `127.0.0.1`, `::1`). Removing it clears it.",
				Validators: []validator.String{redirectURI()},
			},
			"expires_in": schema.NumberAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: fmt.Sprintf("The lifetime of the credential's access tokens, in whole seconds, from %d (2 hours) "+
					"to %d (a year). When omitted it is the API's default for the kind: %d for `sales_channel`, %d for every "+
					"other kind; so removing it resets the lifetime to that default, and a lifetime changed outside Terraform "+
					"shows as a change in the plan.", minExpiresIn, maxExpiresIn, salesChannelExpiresIn, otherExpiresIn),
				Validators:    []validator.Number{wholeNumber{min: ptr(int64(minExpiresIn)), max: ptr(int64(maxExpiresIn)), unit: "seconds"}},
				PlanModifiers: []planmodifier.Number{expiresInDefault{}},
			},
			"client_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The credential's client ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"client_secret": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The credential's client secret (every kind has one; a `sales_channel`'s is for the JWT bearer grant, since it is not confidential). " +
					"Stored in the state: protect the state accordingly.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"scopes": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The credential's scopes, space-separated, e.g. `market:all stock_location:6`.",
			},
			"confidential": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether the credential is confidential (authenticates with its secret): every kind but `sales_channel`.",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		}),
	}
}

func writeAPICredential(_ context.Context, m *apiCredentialModel) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics) {
	return map[string]any{
			"name":         apiString(m.Name),
			"kind":         apiString(m.Kind),
			"mode":         apiString(m.Mode),
			"custom":       apiBool(m.Custom),
			"redirect_uri": apiString(m.RedirectURI),
			"expires_in":   apiWhole(m.ExpiresIn),
		}, map[string]jsonapi.Relationship{
			"organization": apiRel("organizations", m.OrganizationID),
			"role":         apiRel("roles", m.RoleID),
		}, nil
}

func readAPICredential(_ context.Context, r *jsonapi.Resource, m *apiCredentialModel) diag.Diagnostics {
	m.Name = tfString(r, "name")
	m.Kind = tfString(r, "kind")
	m.OrganizationID = tfRelID(r, "organization")
	m.RoleID = tfRelID(r, "role")
	m.Mode = tfString(r, "mode")
	m.Custom = tfBool(r, "custom")
	m.RedirectURI = tfString(r, "redirect_uri")
	m.ExpiresIn = tfWhole(r, "expires_in")
	m.ClientID = tfString(r, "client_id")
	m.ClientSecret = tfString(r, "client_secret")
	m.Scopes = tfString(r, "scopes")
	m.Confidential = tfBool(r, "confidential")
	return nil
}

// validateAPICredential enforces the role rules of the kinds at plan time.
func validateAPICredential(_ context.Context, m *apiCredentialModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.Kind.IsNull() || m.Kind.IsUnknown() {
		return diags
	}
	kind := m.Kind.ValueString()
	switch {
	case (kind == kindSalesChannel || kind == kindWebapp) && !m.RoleID.IsNull():
		diags.AddAttributeError(path.Root("role_id"), "Role not allowed for this kind",
			fmt.Sprintf("role_id cannot be set when kind = %q: %s credentials have no role (a sales channel is public; "+
				"a web app acts with the signed-in user's permissions). Remove role_id.", kind, kind))
	case kind == kindIntegration && m.RoleID.IsNull():
		diags.AddAttributeError(path.Root("role_id"), "Missing role",
			fmt.Sprintf("role_id is required when kind = %q: an integration acts with a role, such as the organization's "+
				"admin or read_only role (see the clprovisioning_role data source).", kind))
	}
	return diags
}

// expiresInDefault plans the API's default token lifetime for the kind when
// expires_in is not configured, so that removing it resets the lifetime and
// a lifetime changed elsewhere shows in the plan.
type expiresInDefault struct{}

func (expiresInDefault) Description(context.Context) string {
	return fmt.Sprintf("when not set: %d for sales_channel, %d for other kinds", salesChannelExpiresIn, otherExpiresIn)
}

func (m expiresInDefault) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (expiresInDefault) PlanModifyNumber(ctx context.Context, req planmodifier.NumberRequest, resp *planmodifier.NumberResponse) {
	if !req.ConfigValue.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var kind types.String
	if req.Plan.GetAttribute(ctx, path.Root("kind"), &kind).HasError() || kind.IsUnknown() || kind.IsNull() {
		resp.PlanValue = types.NumberUnknown()
		return
	}
	resp.PlanValue = wholeValue(defaultExpiresIn(kind.ValueString()))
}
