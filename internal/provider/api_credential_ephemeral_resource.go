package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	eschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// NewAPICredentialEphemeralResource reads an API credential's client_id and
// client_secret at run time (one GET), for a provider block, a secret store
// or a write-only argument, without putting them in the plan or the state.
func NewAPICredentialEphemeralResource() ephemeral.EphemeralResource {
	return &apiCredentialEphemeralResource{}
}

type apiCredentialEphemeralResource struct {
	client *provisioning.Client
}

var _ ephemeral.EphemeralResourceWithConfigure = (*apiCredentialEphemeralResource)(nil)

type apiCredentialEphemeralModel struct {
	ID             types.String `tfsdk:"id"`
	Name           types.String `tfsdk:"name"`
	Kind           types.String `tfsdk:"kind"`
	Mode           types.String `tfsdk:"mode"`
	OrganizationID types.String `tfsdk:"organization_id"`
	ClientID       types.String `tfsdk:"client_id"`
	ClientSecret   types.String `tfsdk:"client_secret"`
	Scopes         types.String `tfsdk:"scopes"`
}

// apiCredentialEphemeralAttributes are the attributes it returns, described
// as in the resource.
var apiCredentialEphemeralAttributes = []string{"name", "kind", "mode", "organization_id", "client_id", "client_secret", "scopes"}

func (e *apiCredentialEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_credential"
}

func (e *apiCredentialEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resource := apiCredentialEntity.attributes()
	attrs := map[string]eschema.Attribute{
		"id": eschema.StringAttribute{
			Required:            true,
			MarkdownDescription: "The ID of the API credential to read.",
			Validators:          []validator.String{objectID()},
		},
	}
	for _, name := range apiCredentialEphemeralAttributes {
		attrs[name] = eschema.StringAttribute{
			Computed:            true,
			Sensitive:           resource[name].IsSensitive(),
			MarkdownDescription: readOnlyDescription(resource[name].GetMarkdownDescription()),
		}
	}
	resp.Schema = eschema.Schema{
		MarkdownDescription: "Reads an API credential's `client_id` and `client_secret` when Terraform runs (one GET), " +
			"without storing them in the plan or the state: for a provider block, a secret store or a write-only " +
			"argument. Needs Terraform 1.10 or later. Pair it with `store_client_secret = false` on the " +
			"`clprovisioning_api_credential` resource to keep the secret out of the state altogether.",
		Attributes: attrs,
	}
}

func (e *apiCredentialEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *apiCredentialEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m apiCredentialEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if e.client == nil {
		resp.Diagnostics.AddError("Provider not configured", errNotConfigured.Error())
		return
	}
	obj, err := apiCredentialEntity.fetch(ctx, e.client, m.ID.ValueString())
	if err != nil {
		resp.Diagnostics.Append(errorDiags("Could not read API credential "+m.ID.ValueString(), err, apiCredentialEntity.attributes())...)
		return
	}
	var c apiCredentialModel
	resp.Diagnostics.Append(apiCredentialEntity.fill(ctx, obj, &c)...)
	m = apiCredentialEphemeralModel{
		ID: c.ID, Name: c.Name, Kind: c.Kind, Mode: c.Mode, OrganizationID: c.OrganizationID,
		ClientID: c.ClientID, ClientSecret: c.ClientSecret, Scopes: c.Scopes,
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
