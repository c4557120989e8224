package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// The API credential resource can keep its client secret out of the state:
// `store_client_secret = false` leaves client_secret null, and the
// application reads the secret when it needs it, from the
// clprovisioning_api_credential ephemeral resource (Terraform 1.10+) or
// elsewhere. The data sources keep showing the secret, as the API does.

// apiCredentialResourceModel is the credential as the resource holds it.
type apiCredentialResourceModel struct {
	apiCredentialModel
	StoreClientSecret types.Bool `tfsdk:"store_client_secret"`
}

// storesSecret tells whether the secret goes into the state: only when the
// plan or the state says the configuration keeps it. A create or an update
// has the configuration's value (true by default); a refresh the state's,
// which the last apply set. An import has none (null): it knows nothing of
// the configuration, which may keep the secret out, so it reads no secret
// and records false; the first apply of a configuration that keeps it
// reads it (one GET).
func (m *apiCredentialResourceModel) storesSecret() bool {
	return !m.StoreClientSecret.IsNull() && !m.StoreClientSecret.IsUnknown() && m.StoreClientSecret.ValueBool()
}

// kindResources is the kind of the two credentials every organization comes with.
const kindResources = "resources"

// apiCredentialResourceEntity is apiCredentialEntity (the data sources'),
// with store_client_secret: the same facts, the same conversions.
var apiCredentialResourceEntity = &entity[apiCredentialResourceModel]{
	name:        apiCredentialEntity.name,
	apiType:     apiCredentialEntity.apiType,
	include:     apiCredentialEntity.include,
	naturalKey:  apiCredentialEntity.naturalKey,
	lookFirst:   apiCredentialEntity.lookFirst,
	filters:     apiCredentialEntity.filters,
	derived:     apiCredentialEntity.derived,
	displayName: apiCredentialEntity.displayName,
	schema:      apiCredentialResourceSchema,
	write: func(ctx context.Context, m *apiCredentialResourceModel) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics) {
		return apiCredentialEntity.write(ctx, &m.apiCredentialModel)
	},
	read: func(ctx context.Context, r *jsonapi.Resource, m *apiCredentialResourceModel) diag.Diagnostics {
		diags := apiCredentialEntity.read(ctx, r, &m.apiCredentialModel)
		if !m.storesSecret() {
			m.ClientSecret = types.StringNull()
		}
		m.StoreClientSecret = types.BoolValue(m.storesSecret())
		return diags
	},
	validate: func(ctx context.Context, m *apiCredentialResourceModel) diag.Diagnostics {
		return apiCredentialEntity.validate(ctx, &m.apiCredentialModel)
	},
	hooks: hooks[apiCredentialResourceModel]{beforeDelete: refuseResourcesCredentialDelete},
}

func apiCredentialResourceSchema() schema.Schema {
	s := apiCredentialSchema()
	s.MarkdownDescription = "An API credential: an application (storefront, integration, web app or forked Dashboard app) " +
		"that reaches the Core API of an organization. `client_id` and `client_secret` are what the application " +
		"authenticates with. The secret is stored in the state (marked sensitive) unless `store_client_secret = false`: " +
		"then read it at run time with the `clprovisioning_api_credential` ephemeral resource (Terraform 1.10 and later), " +
		"which keeps it out of the state and the plan. Custom Dashboard apps (`custom = true`) need an Enterprise plan. " +
		"The two `resources` credentials of every organization can be imported but not destroyed."
	if secret, ok := s.Attributes["client_secret"].(schema.StringAttribute); ok {
		secret.MarkdownDescription = "The credential's client secret (every kind has one; a `sales_channel`'s is for the JWT bearer grant, since it is not confidential). " +
			"Stored in the state, so protect the state accordingly; null when `store_client_secret = false`."
		secret.PlanModifiers = append(secret.PlanModifiers, secretNotStored{})
		s.Attributes["client_secret"] = secret
	}
	s.Attributes["store_client_secret"] = schema.BoolAttribute{
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(true),
		MarkdownDescription: "Whether `client_secret` is kept in the state. `true` when omitted. With `false` the state " +
			"(and the plan) hold no secret: `client_secret` is null, and the application reads the secret from the " +
			"`clprovisioning_api_credential` ephemeral resource (Terraform 1.10 and later) or from Commerce Layer. " +
			"Changing it reads the credential again (one GET) and changes nothing in Commerce Layer. An import never puts " +
			"the secret in the state, as it cannot know the configuration: the imported state has `false`, and the first " +
			"apply of a configuration that keeps the secret (`true`, the default) reads it (one GET, shown in the plan " +
			"as an update in place).",
	}
	return s
}

// secretNotStored plans a null client_secret when store_client_secret is false.
type secretNotStored struct{}

func (secretNotStored) Description(context.Context) string {
	return "null when store_client_secret is false"
}

func (m secretNotStored) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (secretNotStored) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var store, stored types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("store_client_secret"), &store)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("store_client_secret"), &stored)...)
	}
	switch {
	case store.IsUnknown():
		resp.PlanValue = types.StringUnknown()
	case !store.IsNull() && !store.ValueBool():
		resp.PlanValue = types.StringNull()
	case !stored.IsNull() && !stored.ValueBool():
		// Stored again after being left out: read back on the update.
		resp.PlanValue = types.StringUnknown()
	}
}

// refuseResourcesCredentialDelete refuses to destroy the `resources`
// credentials an organization comes with (Commerce Layer's own apps use
// them): an imported one can only stop being managed.
func refuseResourcesCredentialDelete(_ context.Context, _ *exchange, m *apiCredentialResourceModel) error {
	if m.Kind.ValueString() != kindResources {
		return nil
	}
	return &attrError{summary: "Cannot destroy a resources API credential", detail: fmt.Sprintf(
		"API credential %s (%q) is one of the two `resources` credentials that organization %s comes with; "+
			"the provider does not delete them. Stop managing it instead: remove it with a `removed` block "+
			"(`lifecycle { destroy = false }`) or `terraform state rm`.",
		m.ID.ValueString(), m.Name.ValueString(), m.OrganizationID.ValueString())}
}
