package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// NewOrganizationResource manages an organization. The API cannot delete
// organizations: destroy forgets it and says so.
func NewOrganizationResource() resource.Resource {
	return &jsonapiResource[organizationModel]{entity: organizationEntity}
}

type organizationModel struct {
	commonModel
	Name             types.String         `tfsdk:"name"`
	Slug             types.String         `tfsdk:"slug"`
	Domain           types.String         `tfsdk:"domain"`
	SupportPhone     types.String         `tfsdk:"support_phone"`
	SupportEmail     types.String         `tfsdk:"support_email"`
	LogoURL          types.String         `tfsdk:"logo_url"`
	FaviconURL       types.String         `tfsdk:"favicon_url"`
	PrimaryColor     types.String         `tfsdk:"primary_color"`
	ContrastColor    types.String         `tfsdk:"contrast_color"`
	GTMID            types.String         `tfsdk:"gtm_id"`
	GTMIDTest        types.String         `tfsdk:"gtm_id_test"`
	Region           types.String         `tfsdk:"region"`
	Config           jsontypes.Normalized `tfsdk:"config"`
	CanSwitchLive    types.Bool           `tfsdk:"can_switch_live"`
	SubscriptionInfo jsontypes.Normalized `tfsdk:"subscription_info"`
	Settings         types.Object         `tfsdk:"settings"`
	AdminRoleID      types.String         `tfsdk:"admin_role_id"`
	ReadOnlyRoleID   types.String         `tfsdk:"read_only_role_id"`
}

// organizationSettings are the organization's read-only limits and feature
// flags, kept in one nested `settings` object so the top level stays readable.
var organizationSettings = []struct {
	name string
	typ  attr.Type
}{
	{"api_auth_redirect", types.BoolType}, {"api_rules_engine", types.BoolType},
	{"api_rules_engine_max_conditions_size", types.Int64Type}, {"api_rules_engine_max_rules_size", types.Int64Type},
	{"api_new_auth", types.BoolType}, {"api_purge_single_resource", types.BoolType},
	{"api_max_regex_length", types.Int64Type}, {"addresses_avs_check", types.BoolType},
	{"addresses_phone_required", types.BoolType}, {"orders_sales_channel_guest_only", types.BoolType},
	{"orders_min_rebuild_shipments_lapse", types.Float64Type}, {"orders_min_refresh_lapse", types.Float64Type},
	{"orders_autorefresh_cutoff_test", types.Int64Type}, {"orders_autorefresh_cutoff_live", types.Int64Type},
	{"orders_number_editable_test", types.BoolType}, {"orders_number_editable_live", types.BoolType},
	{"orders_number_as_reference", types.BoolType}, {"orders_invalid_coupon_errors", types.BoolType},
	{"orders_invalid_gift_card_errors", types.BoolType}, {"orders_validate_shipping_stock", types.BoolType},
	{"bundles_max_items_count", types.Int64Type}, {"coupons_min_code_length", types.Int64Type},
	{"coupons_max_code_length", types.Int64Type}, {"gift_cards_exact_code_matching", types.BoolType},
	{"gift_cards_min_code_length", types.Int64Type}, {"gift_cards_max_code_length", types.Int64Type},
	{"cleanups_max_concurrent_count", types.Int64Type}, {"exports_max_concurrent_count", types.Int64Type},
	{"imports_max_concurrent_count", types.Int64Type}, {"imports_purge_cache", types.BoolType},
	{"imports_skip_errors", types.BoolType}, {"inventory_models_max_stock_locations_cutoff", types.Int64Type},
	{"promotions_max_concurrent_count", types.Int64Type}, {"promotions_max_conditions_size", types.Int64Type},
	{"promotions_max_rules_size", types.Int64Type}, {"price_lists_max_conditions_size", types.Int64Type},
	{"price_lists_max_rules_size", types.Int64Type}, {"imports_trigger_webhooks", types.Int64Type},
	{"discount_engines_enabled", types.BoolType}, {"discount_engines_errors", types.BoolType},
	{"tags_max_name_length", types.Int64Type}, {"tags_max_allowed_number", types.Int64Type},
	{"tax_calculators_errors", types.BoolType}, {"external_promotions_errors", types.BoolType},
	{"external_prices_errors", types.BoolType},
}

func organizationSettingsTypes() map[string]attr.Type {
	out := map[string]attr.Type{}
	for _, s := range organizationSettings {
		out[s.name] = s.typ
	}
	return out
}

func organizationSettingsSchema() map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, s := range organizationSettings {
		desc := "Read-only setting `" + s.name + "` of the organization (set by Commerce Layer)."
		switch s.typ {
		case types.BoolType:
			out[s.name] = schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
		case types.Int64Type:
			out[s.name] = schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
		default:
			out[s.name] = schema.Float64Attribute{Computed: true, MarkdownDescription: desc}
		}
	}
	return out
}

var organizationEntity = &entity[organizationModel]{
	name:    "organization",
	apiType: "organizations",
	// The built-in roles come with the organization: reading them with it
	// gives their ids without a lookup that a plan would defer.
	include:    []string{"roles"},
	naturalKey: []keyPart{{api: "name", filter: "name_eq"}},
	// The API accepts a second organization of a name, and cannot delete
	// one: a run that lost its state finds its organization before the POST.
	lookFirst: true,
	displayName: func(r *jsonapi.Resource) string {
		return withDetail(r.String("name"), r.String("slug"))
	},
	filters: []filterArg{
		{name: "slug", filter: "slug_eq", description: "Only the organization with this slug.", key: true,
			validators: []validator.String{slugName()}},
		{name: "name", filter: "name_eq", description: "Only organizations with exactly this name.", key: true},
		{name: "name_contains", filter: "name_cont", description: "Only organizations whose name contains this text.",
			validators: []validator.String{notEmpty(), singleLine()}},
		{name: "region", filter: "region_eq", description: "Only organizations in this region."},
	},
	forget: "The Provisioning API cannot delete organizations. It was removed from the Terraform state and still exists " +
		"in Commerce Layer; to delete it, the owner must email support@commercelayer.io.",
	schema: func() schema.Schema {
		optionalString := func(desc string, v ...validator.String) schema.StringAttribute {
			return schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: desc + " Removing it clears it.",
				Validators:          append([]validator.String{stringvalidator.LengthAtLeast(1)}, v...),
			}
		}
		color, url, text := hexColor(), secureURL(), singleLine()
		return schema.Schema{
			MarkdownDescription: "An organization: the tenant that holds markets, people and API credentials. " +
				"Creating one also creates its `admin` and `read_only` roles, an owner membership for you and two API credentials. " +
				"**The API cannot delete organizations**: `terraform destroy` removes it from the state with a warning and " +
				"leaves it in Commerce Layer (deleting it takes an email to support).",
			Attributes: withCommon(map[string]schema.Attribute{
				"name": schema.StringAttribute{
					Required:            true,
					MarkdownDescription: "The organization's internal name, on one line.",
					Validators:          []validator.String{stringvalidator.LengthAtLeast(1), text},
				},
				"admin_role_id": schema.StringAttribute{
					Computed: true,
					MarkdownDescription: "The id of the organization's built-in `admin` role, made with it. Use it for memberships " +
						"and credentials instead of a `clprovisioning_role` data source: it is known from the create on, so plans stay exact.",
					PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				},
				"read_only_role_id": schema.StringAttribute{
					Computed:            true,
					MarkdownDescription: "The id of the organization's built-in `read_only` role, made with it.",
					PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				},
				"slug": schema.StringAttribute{
					Computed: true, MarkdownDescription: "The organization's slug, set at creation.",
					PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				},
				"domain": schema.StringAttribute{
					Computed: true, MarkdownDescription: "The organization's domain, e.g. `the-blue-brand.commercelayer.io`.",
					PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				},
				"support_phone":  optionalString("The support phone number, on one line.", text, phoneNumber()),
				"support_email":  optionalString("The support email address.", emailAddress()),
				"logo_url":       optionalString("URL of the logo, `https://` (the Dashboard is served over HTTPS and browsers do not show plain-http images in it).", url),
				"favicon_url":    optionalString("URL of the favicon, `https://` like `logo_url`.", url),
				"primary_color":  optionalString("Primary colour, HEX `#RRGGBB`.", color),
				"contrast_color": optionalString("Contrast colour, HEX `#RRGGBB`.", color),
				"gtm_id":         optionalString("Google Tag Manager container ID for live, e.g. `GTM-5FJXX6`.", text, gtmID()),
				"gtm_id_test":    optionalString("Google Tag Manager container ID for test, e.g. `GTM-5FJXX7`.", text, gtmID()),
				"region": schema.StringAttribute{
					Optional: true, Computed: true,
					MarkdownDescription: "The region that hosts the organization, a lower-case region name such as `eu-west-1`. " +
						"Defaults to `eu-west-1`. Changing it replaces the organization.",
					Validators:    []validator.String{regionName()},
					PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
				},
				"config": schema.StringAttribute{
					Optional:   true,
					CustomType: jsontypes.NormalizedType{},
					MarkdownDescription: "The organization's configuration as JSON (use `jsonencode`), e.g. `mfe` settings with " +
						"`default` and per-market (`market:id:<ID>`) links: a JSON object. Key order and spacing do not matter. Removing it clears it.",
					Validators: []validator.String{jsonObject()},
				},
				"can_switch_live": schema.BoolAttribute{
					Computed: true, MarkdownDescription: "Whether the organization can switch to live mode.",
				},
				"subscription_info": schema.StringAttribute{
					Computed: true, CustomType: jsontypes.NormalizedType{},
					MarkdownDescription: "The subscription as JSON: plan type, limits and totals.",
				},
				"settings": schema.SingleNestedAttribute{
					Computed:            true,
					MarkdownDescription: "The organization's read-only limits and feature flags.",
					Attributes:          organizationSettingsSchema(),
					PlanModifiers:       []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				},
			}),
		}
	},
	write: func(ctx context.Context, m *organizationModel) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics) {
		cfg, diags := apiJSON(m.Config)
		return map[string]any{
			"name":           apiString(m.Name),
			"support_phone":  apiString(m.SupportPhone),
			"support_email":  apiString(m.SupportEmail),
			"logo_url":       apiString(m.LogoURL),
			"favicon_url":    apiString(m.FaviconURL),
			"primary_color":  apiString(m.PrimaryColor),
			"contrast_color": apiString(m.ContrastColor),
			"gtm_id":         apiString(m.GTMID),
			"gtm_id_test":    apiString(m.GTMIDTest),
			"region":         apiString(m.Region),
			"config":         cfg,
		}, nil, diags
	},
	read: func(ctx context.Context, r *jsonapi.Resource, m *organizationModel) diag.Diagnostics {
		m.Name = tfString(r, "name")
		m.Slug = tfString(r, "slug")
		m.Domain = tfString(r, "domain")
		m.SupportPhone = tfString(r, "support_phone")
		m.SupportEmail = tfString(r, "support_email")
		m.LogoURL = tfString(r, "logo_url")
		m.FaviconURL = tfString(r, "favicon_url")
		m.PrimaryColor = tfString(r, "primary_color")
		m.ContrastColor = tfString(r, "contrast_color")
		m.GTMID = tfString(r, "gtm_id")
		m.GTMIDTest = tfString(r, "gtm_id_test")
		m.Region = tfString(r, "region")
		m.Config = tfJSON(r, "config")
		m.CanSwitchLive = tfBool(r, "can_switch_live")
		m.SubscriptionInfo = tfJSON(r, "subscription_info")
		m.AdminRoleID, m.ReadOnlyRoleID = types.StringNull(), types.StringNull()
		for _, role := range r.Related("roles") {
			switch role.String("kind") {
			case "admin":
				m.AdminRoleID = types.StringValue(role.ID)
			case "read_only":
				m.ReadOnlyRoleID = types.StringValue(role.ID)
			}
		}
		values := map[string]attr.Value{}
		for _, s := range organizationSettings {
			switch s.typ {
			case types.BoolType:
				values[s.name] = tfBool(r, s.name)
			case types.Int64Type:
				values[s.name] = tfInt64(r, s.name)
			default:
				values[s.name] = tfFloat64(r, s.name)
			}
		}
		var diags diag.Diagnostics
		m.Settings, diags = types.ObjectValue(organizationSettingsTypes(), values)
		return diags
	},
}
