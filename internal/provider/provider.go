// Package provider implements the clprovisioning Terraform provider on
// terraform-plugin-framework. It talks to the API only through
// internal/provisioning.
package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
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
			},
			"client_secret": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Provisioning API client secret. Also read from `" + EnvClientSecret + "`.",
			},
			"access_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "A ready-made access token, instead of `client_id` and `client_secret`. It cannot be " +
					"refreshed: when it expires, operations fail with 401. Also read from `" + EnvAccessToken + "`.",
			},
			"api_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of the Provisioning API, without `/api`. Defaults to `" + provisioning.DefaultAPIURL +
					"`. Also read from `" + EnvAPIURL + "`. Plain `http://` is accepted only for loopback addresses (the simulator).",
			},
			"auth_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of the authentication server, without `/oauth/token`. Defaults to `" +
					provisioning.DefaultAuthURL + "`. Also read from `" + EnvAuthURL + "`.",
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
	resp.ResourceData = client
	resp.DataSourceData = client
	resp.ListResourceData = client
	resp.ActionData = client
	resp.EphemeralResourceData = client
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
