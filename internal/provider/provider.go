// Package provider implements the clprovisioning Terraform provider on
// terraform-plugin-framework. It talks to the API only through
// internal/provisioning.
package provider

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// Address is the registry address main.go serves.
const Address = "registry.terraform.io/clprovisioning/clprovisioning"

// Environment variables read when the provider block leaves a setting out.
const (
	EnvClientID     = "CLPROVISIONING_CLIENT_ID"
	EnvClientSecret = "CLPROVISIONING_CLIENT_SECRET"
	EnvAccessToken  = "CLPROVISIONING_ACCESS_TOKEN"
	EnvAPIURL       = "CLPROVISIONING_API_URL"
	EnvAuthURL      = "CLPROVISIONING_AUTH_URL"
)

var (
	_ provider.Provider                       = (*clProvider)(nil)
	_ provider.ProviderWithListResources      = (*clProvider)(nil)
	_ provider.ProviderWithActions            = (*clProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*clProvider)(nil)
)

type clProvider struct {
	version string
}

// New returns the provider factory for a build of the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &clProvider{version: version} }
}

type providerModel struct {
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	AccessToken  types.String `tfsdk:"access_token"`
	APIURL       types.String `tfsdk:"api_url"`
	AuthURL      types.String `tfsdk:"auth_url"`

	AllowOwnAccessRemoval types.Bool `tfsdk:"allow_own_access_removal"`
}

func (p *clProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "clprovisioning"
	resp.Version = p.version
}

func (p *clProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Commerce Layer organizations, their roles and permissions, people, " +
			"API credentials and single sign-on through the Provisioning API.",
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Provisioning API client ID (Dashboard › profile › Provisioning API). Also read from `" + EnvClientID + "`.",
				Validators:          []validator.String{providerSetting(EnvClientID)},
			},
			"client_secret": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Provisioning API client secret. Also read from `" + EnvClientSecret + "`.",
				Validators:          []validator.String{providerSetting(EnvClientSecret)},
			},
			"access_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "A ready-made access token, instead of `client_id` and `client_secret`. It cannot be " +
					"refreshed: when it expires, operations fail with 401. Also read from `" + EnvAccessToken + "`.",
				Validators: []validator.String{providerSetting(EnvAccessToken)},
			},
			"api_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of the Provisioning API, without `/api`. Defaults to `" + provisioning.DefaultAPIURL +
					"`. Also read from `" + EnvAPIURL + "`. Plain `http://` is accepted only for loopback addresses (the simulator). " +
					"An empty value (here or in the variable) is refused rather than taken for the default.",
				Validators: []validator.String{baseURL(EnvAPIURL, provisioning.DefaultAPIURL)},
			},
			"allow_own_access_removal": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Allow plans that remove the membership of the user whose credentials the provider " +
					"uses, or give it the `read_only` role. `false` when omitted: such a plan is refused, because every " +
					"later apply would lack the permissions to undo it.",
			},
			"auth_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of the authentication server, without `/oauth/token`. Defaults to `" +
					provisioning.DefaultAuthURL + "`. Also read from `" + EnvAuthURL + "`. Plain `http://` is accepted only for " +
					"loopback addresses. An empty value (here or in the variable) is refused rather than taken for the default.",
				Validators: []validator.String{baseURL(EnvAuthURL, provisioning.DefaultAuthURL)},
			},
		},
	}
}

// pick returns the configured value, else the environment variable.
func pick(v types.String, env string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

func (p *clProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, v := range map[string]types.String{
		"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret, "access_token": cfg.AccessToken,
		"api_url": cfg.APIURL, "auth_url": cfg.AuthURL,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown provider setting",
				"The provider's "+name+" depends on a value that is not known until apply. Set it from a value known at plan time.")
		}
	}
	// Base URLs from the environment are checked as the configuration's are:
	// an empty or malformed variable must not silently mean production.
	for _, u := range []struct {
		name, env, def string
		configured     types.String
	}{
		{"api_url", EnvAPIURL, provisioning.DefaultAPIURL, cfg.APIURL},
		{"auth_url", EnvAuthURL, provisioning.DefaultAuthURL, cfg.AuthURL},
	} {
		if !u.configured.IsNull() {
			continue
		}
		if v, set := os.LookupEnv(u.env); set {
			if p := baseURLProblem(v); p != "" {
				resp.Diagnostics.AddAttributeError(path.Root(u.name), "Invalid provider configuration",
					fmt.Sprintf("%s, which sets %s, must be %s%s: %s. Unset it to use %s.", u.env, u.name, baseURLRule, shownURL(v), p, u.def))
			}
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	conf := provisioning.Config{
		ClientID:     pick(cfg.ClientID, EnvClientID),
		ClientSecret: pick(cfg.ClientSecret, EnvClientSecret),
		AccessToken:  pick(cfg.AccessToken, EnvAccessToken),
		APIURL:       pick(cfg.APIURL, EnvAPIURL),
		AuthURL:      pick(cfg.AuthURL, EnvAuthURL),
		// Refreshes Terraform runs at once are read with one list call per
		// 25 objects of a type (plain JSON:API filtering by id), collected
		// for refreshBatchWindow (batch_window.go).
		BatchWindow: refreshBatchWindow,
		UserAgent: fmt.Sprintf("terraform-provider-clprovisioning/%s (+https://registry.terraform.io/providers/clprovisioning/clprovisioning) Terraform/%s",
			p.version, req.TerraformVersion),
	}
	if msg := credentialsProblem(conf); msg != "" {
		resp.Diagnostics.AddError("Missing Provisioning API credentials", msg)
		return
	}
	// The processes of this machine share one rate budget and one token
	// unless CLPROVISIONING_SHARED_CACHE=off (README, "Provider configuration").
	dir, err := provisioning.SharedCacheDirFromEnv(conf.APIURL)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	conf.SharedCacheDir = dir
	client, err := provisioning.New(conf)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	s := &session{client: client, allowOwnAccessRemoval: cfg.AllowOwnAccessRemoval.ValueBool()}
	resp.ResourceData = s
	resp.DataSourceData = s
	resp.ListResourceData = s
	resp.ActionData = s
	resp.EphemeralResourceData = s
}

// baseURLRule is what api_url and auth_url must be (as provisioning.New
// checks them).
const baseURLRule = "an absolute https URL (plain http only towards a loopback host: localhost, 127.0.0.1 or ::1), " +
	"without credentials, query or fragment"

// baseURLProblem says what keeps a base URL from being one ("" when
// nothing does). The URL itself is never repeated: it may carry secrets.
func baseURLProblem(raw string) string {
	if raw == "" {
		return "it is empty"
	}
	if p := urlProblem(raw, true); p != "" {
		return p
	}
	if u, err := url.Parse(raw); err == nil && (u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#")) {
		return "it has a query (?...) or a fragment (#...)"
	}
	return ""
}

// shownURL is the URL for a message, without its password: ` "https://..."`.
func shownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return ""
	}
	return fmt.Sprintf(" (got %q)", u.Redacted())
}

// baseURL checks a configured base URL; an empty one would otherwise mean
// the default (production).
func baseURL(env, def string) validator.String {
	return stringCheck{
		description: "must be " + baseURLRule,
		summary:     "Invalid provider configuration",
		problem: func(at, v string) string {
			if v == "" {
				return fmt.Sprintf("Attribute %s is empty. Leave the argument out to use %s (or %s), or give a URL: an "+
					"empty one is refused rather than taken for production.", at, def, env)
			}
			if p := baseURLProblem(v); p != "" {
				return fmt.Sprintf("Attribute %s must be %s%s: %s.", at, baseURLRule, shownURL(v), p)
			}
			return ""
		},
	}
}

// providerSetting refuses an empty credential in the provider block.
func providerSetting(env string) validator.String {
	return stringCheck{
		description: "must not be empty",
		summary:     "Invalid provider configuration",
		problem: func(at, v string) string {
			if v == "" {
				return fmt.Sprintf("Attribute %s is empty: give it a value, or leave the argument out to read %s.", at, env)
			}
			return ""
		},
	}
}

// credentialsProblem explains, in one message, what is missing; "" when the
// credentials are complete.
func credentialsProblem(c provisioning.Config) string {
	const how = "Set client_id and client_secret in the provider block (or " + EnvClientID + " and " + EnvClientSecret +
		"), or set access_token (or " + EnvAccessToken + ")."
	switch {
	case c.AccessToken != "":
		return ""
	case c.ClientID != "" && c.ClientSecret != "":
		return ""
	case c.ClientID != "":
		return "client_id is set but client_secret is not. " + how
	case c.ClientSecret != "":
		return "client_secret is set but client_id is not. " + how
	default:
		return "No credentials were given. " + how
	}
}

func (p *clProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewOrganizationResource,
		NewRoleResource,
		NewPermissionResource,
		NewMembershipResource,
		NewMembershipProfileResource,
		NewAPICredentialResource,
		NewApplicationMembershipResource,
		NewIdentityProviderResource,
		NewUserResource,
		NewRoleAssignmentResource,
	}
}

func (p *clProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewOrganizationDataSource,
		NewOrganizationsDataSource,
		NewRoleDataSource,
		NewRolesDataSource,
		NewPermissionDataSource,
		NewPermissionsDataSource,
		NewMembershipDataSource,
		NewMembershipsDataSource,
		NewMembershipProfileDataSource,
		NewMembershipProfilesDataSource,
		NewAPICredentialDataSource,
		NewAPICredentialsDataSource,
		NewApplicationMembershipDataSource,
		NewApplicationMembershipsDataSource,
		NewIdentityProviderDataSource,
		NewIdentityProvidersDataSource,
		NewUserDataSource,
		NewVersionDataSource,
		NewVersionsDataSource,
	}
}

// ListResources are the `list` blocks of `terraform query` (Terraform 1.14+),
// one for every resource that can be imported.
func (p *clProvider) ListResources(context.Context) []func() list.ListResource {
	return listResources()
}

// Actions are run by `terraform apply -invoke` or a resource's
// `action_trigger` (Terraform 1.14+).
func (p *clProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		NewMembershipResendInvitationAction,
		NewOrganizationTransferOwnershipAction,
		NewRoleAddMissingBasePermissionsAction,
	}
}

// EphemeralResources are read at run time and never stored (Terraform 1.10+).
func (p *clProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewAPICredentialEphemeralResource,
	}
}
