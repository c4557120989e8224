package provider

import (
	"context"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/numbervalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// NewIdentityProviderResource manages an OpenID Connect identity provider
// for single sign-on to the Dashboard.
func NewIdentityProviderResource() resource.Resource {
	return &jsonapiResource[identityProviderResourceModel]{entity: identityProviderEntity}
}

// identityProviderModel is what the API holds (and the data sources show).
type identityProviderModel struct {
	commonModel
	Name         types.String `tfsdk:"name"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	Issuer       types.String `tfsdk:"issuer"`
	Domains      types.Set    `tfsdk:"domains"`
	TokenURL     types.String `tfsdk:"token_url"`
	AuthorizeURL types.String `tfsdk:"authorize_url"`
	JWKSURL      types.String `tfsdk:"jwks_url"`
	Organization types.String `tfsdk:"organization"`
	Enabled      types.Bool   `tfsdk:"enabled"`
	Status       types.String `tfsdk:"status"`
	TxtRecord    types.String `tfsdk:"txt_record"`
	DisabledAt   types.String `tfsdk:"disabled_at"`
	UserID       types.String `tfsdk:"user_id"`
}

// identityProviderResourceModel adds the write-only secret of the resource.
type identityProviderResourceModel struct {
	identityProviderModel
	ClientSecretWO        types.String `tfsdk:"client_secret_wo"`
	ClientSecretWOVersion types.Number `tfsdk:"client_secret_wo_version"`
}

// writeOnly tells whether the secret is given write-only (and so is never
// read back into client_secret).
func (m *identityProviderResourceModel) writeOnly() bool { return !m.ClientSecretWOVersion.IsNull() }

// identityProviderStatuses are the states of the verification of an
// identity provider's domains.
var identityProviderStatuses = []string{"pending", "verified", "error"}

var identityProviderEntity = &entity[identityProviderResourceModel]{
	name:       "identity_provider",
	apiType:    "identity_providers",
	include:    []string{"user"},
	naturalKey: []keyPart{{api: "name", filter: "name_eq"}},
	permission: "to be an owner of the organization, on an Enterprise plan",
	filters: []filterArg{
		{name: "name", filter: "name_eq", description: "Only the identity provider with exactly this name.", key: true},
		{name: "status", filter: "status_eq", description: "Only identity providers with this status: " + enumList(identityProviderStatuses) + ".",
			validators: []validator.String{stringvalidator.OneOf(identityProviderStatuses...)}},
	},
	schema:    identityProviderSchema,
	derived:   map[string][]string{"txt_record": {"domains"}, "disabled_at": {"enabled"}},
	writeOnly: map[string]string{"client_secret_wo": "client_secret_wo_version"},
	write: func(ctx context.Context, m *identityProviderResourceModel) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics) {
		attrs, rels, diags := writeIdentityProvider(ctx, &m.identityProviderModel)
		if !m.ClientSecretWO.IsNull() && !m.ClientSecretWO.IsUnknown() {
			attrs["client_secret"] = m.ClientSecretWO.ValueString()
		}
		return attrs, rels, diags
	},
	read: func(ctx context.Context, r *jsonapi.Resource, m *identityProviderResourceModel) diag.Diagnostics {
		known := m.ClientSecret
		diags := readIdentityProvider(ctx, r, &m.identityProviderModel)
		if m.writeOnly() || known.IsNull() {
			// The secret is stored only where the configuration gave it
			// (client_secret): never with client_secret_wo, and never read
			// into a state that had none, such as an import's, which knows
			// nothing of the configuration (it may give the secret
			// write-only). The plan that follows sends the configured one.
			m.ClientSecret = known
		}
		return diags
	},
	hooks: hooks[identityProviderResourceModel]{
		// A new identity provider is enabled: the create sends _disable
		// (enabled = false) but never _enable.
		beforeCreate: func(_ context.Context, _ *exchange, _ *identityProviderResourceModel, body *jsonapi.Resource) error {
			delete(body.Attributes, "_enable")
			return nil
		},
		// The API cannot clear the secret: when client_secret gives way to
		// client_secret_wo, the version's change sends the new secret instead.
		beforeUpdate: func(_ context.Context, _ *exchange, _, _ *identityProviderResourceModel, body *jsonapi.Resource) error {
			if v, ok := body.Attributes["client_secret"]; ok && v == nil {
				delete(body.Attributes, "client_secret")
			}
			return nil
		},
	},
	configValidators: []resource.ConfigValidator{
		resourcevalidator.Conflicting(path.MatchRoot("client_secret"), path.MatchRoot("client_secret_wo")),
	},
}

// identityProviderDataEntity is the same object without the write-only
// secret, for the data sources.
var identityProviderDataEntity = &entity[identityProviderModel]{
	name:    identityProviderEntity.name,
	apiType: identityProviderEntity.apiType,
	include: identityProviderEntity.include,
	filters: identityProviderEntity.filters,
	schema: func() schema.Schema {
		s := identityProviderSchema()
		delete(s.Attributes, "client_secret_wo")
		delete(s.Attributes, "client_secret_wo_version")
		if secret, ok := s.Attributes["client_secret"].(schema.StringAttribute); ok {
			secret.MarkdownDescription = "The client secret as the API returns it: in clear, as the API documentation shows it, " +
				"or masked (all but its last characters) should the API mask it."
			s.Attributes["client_secret"] = secret
		}
		return s
	},
	write: writeIdentityProvider,
	read:  readIdentityProvider,
}

var (
	pathSecretWO        = path.Root("client_secret_wo")
	pathSecretWOVersion = path.Root("client_secret_wo_version")
)

// idpURLs is what every URL of an identity provider must be.
const idpURLs = "It must be `https://` (plain `http://` only towards a loopback host: `localhost`, `127.0.0.1`, `::1`)."

// domainName is a lower-case domain name of two labels or more, each of 1 to
// 63 letters, digits and hyphens (RFC 1035, 2.3.4); the whole is at most 253
// characters (checked beside it).
var domainName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)

func identityProviderSchema() schema.Schema {
	required := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{
			Required:            true,
			MarkdownDescription: desc,
			Validators:          append([]validator.String{stringvalidator.LengthAtLeast(1)}, v...),
		}
	}
	return schema.Schema{
		MarkdownDescription: "An OpenID Connect identity provider for single sign-on to the Dashboard. Creating, changing " +
			"and destroying one needs an Enterprise plan and must be done by an organization owner. After creating it, " +
			"publish `txt_record` as a DNS TXT record on every domain of `domains`; `status` turns `verified` once " +
			"Commerce Layer has checked them. Configure the IdP's redirect URI as " +
			"`https://auth.commercelayer.io/users/auth/openid/callback`.",
		Attributes: withCommon(map[string]schema.Attribute{
			"name":      required("The identity provider's name, on one line, unique across all Commerce Layer users.", singleLine()),
			"client_id": required("The client ID of the Commerce Layer application at the identity provider (printable ASCII).", singleLine(), oauthText()),
			"client_secret": schema.StringAttribute{
				Optional:  true,
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The client secret of the Commerce Layer application at the identity provider, stored " +
					"in the state (marked sensitive). At most one of `client_secret` and `client_secret_wo`; creating an " +
					"identity provider needs one of them. The API documentation shows the secret returned in clear, so a change " +
					"made outside Terraform shows in the plan. Should the API return it masked (all but its last characters), " +
					"such a change shows only when those characters change, and after an import the state holds the masked " +
					"value until the next apply sends the configured one. With neither (an imported identity provider whose " +
					"secret you do not have, as `terraform query -generate-config-out` writes it) the secret is left as it is " +
					"in Commerce Layer and the state keeps what the API returns.",
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1), oauthText()},
				PlanModifiers: []planmodifier.String{secretKeptWhenOmitted{}},
			},
			"client_secret_wo": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				MarkdownDescription: "The client secret, write-only: sent to the API but never stored in the plan or the state " +
					"(Terraform 1.11 or later). Exactly one of `client_secret` and `client_secret_wo`; needs " +
					"`client_secret_wo_version`. It is sent on create and whenever `client_secret_wo_version` changes, " +
					"not when only its value changes; a secret changed outside Terraform does not show.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					oauthText(),
					stringvalidator.AlsoRequires(pathSecretWOVersion.Expression()),
				},
			},
			"client_secret_wo_version": schema.NumberAttribute{
				Optional: true,
				MarkdownDescription: "A whole number to change (e.g. increment) whenever `client_secret_wo` changes, so that the " +
					"new secret is sent. Only with `client_secret_wo`.",
				Validators: []validator.Number{numbervalidator.AlsoRequires(pathSecretWO.Expression()), wholeNumber{}},
			},
			"issuer": required("The issuer URL of the identity provider, e.g. `https://login.example.com/`, without a query or "+
				"fragment (OpenID Connect Core 1.0, 2). "+idpURLs, issuerURL()),
			"domains": schema.SetAttribute{
				Required:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The email domains that sign in through this identity provider, e.g. " +
					"`[\"bluebrand.example\"]`, in lower case. Sent to the API as one comma-separated string; order makes no difference.",
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(
						stringvalidator.RegexMatches(domainName, "must be a lower-case domain name such as bluebrand.example "+
							"(labels of 1 to 63 letters, digits and hyphens)"),
						stringvalidator.LengthAtMost(253)),
				},
			},
			"token_url":     required("The identity provider's token endpoint URL. "+idpURLs, secureURL()),
			"authorize_url": required("The identity provider's authorization endpoint URL. "+idpURLs, secureURL()),
			"jwks_url":      required("The URL of the identity provider's JSON Web Key Set. "+idpURLs, secureURL()),
			"organization": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "An organization identifier that the identity provider expects among the authorize " +
					"parameters (e.g. an Auth0 organization such as `org_76gsfs5gd`). Not a Commerce Layer organization. " +
					"Removing it clears it.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), singleLine()},
			},
			"enabled": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Whether sign-in through the identity provider is enabled. `true` when omitted. " +
					"Setting it to `false` disables the identity provider (the API's `_disable`), back to `true` enables it " +
					"(`_enable`). Read back from `disabled_at`, so disabling it elsewhere shows in the plan.",
			},
			"status": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The verification of the domains: `pending` until the TXT record is found on every " +
					"domain, then `verified`; `error` when a domain does not exist or the check timed out.",
			},
			"txt_record": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The DNS TXT record to publish on every domain, e.g. `cl-verification=a6CDk5v`.",
			},
			"disabled_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the identity provider was disabled (ISO 8601); null while it is enabled.",
			},
			"user_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The user who created the identity provider.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		}),
	}
}

func writeIdentityProvider(ctx context.Context, m *identityProviderModel) (map[string]any, map[string]jsonapi.Relationship, diag.Diagnostics) {
	domains, diags := apiDomains(ctx, m.Domains)
	attrs := map[string]any{
		"name":          apiString(m.Name),
		"client_id":     apiString(m.ClientID),
		"client_secret": apiString(m.ClientSecret),
		"issuer":        apiString(m.Issuer),
		"domains":       domains,
		"token_url":     apiString(m.TokenURL),
		"authorize_url": apiString(m.AuthorizeURL),
		"jwks_url":      apiString(m.JWKSURL),
		"organization":  apiString(m.Organization),
	}
	// enabled is sent as the API's triggers: an update sends the one whose
	// value differs from the state's.
	if !m.Enabled.IsNull() && !m.Enabled.IsUnknown() {
		if m.Enabled.ValueBool() {
			attrs["_enable"] = true
		} else {
			attrs["_disable"] = true
		}
	}
	return attrs, nil, diags
}

func readIdentityProvider(_ context.Context, r *jsonapi.Resource, m *identityProviderModel) diag.Diagnostics {
	m.Name = tfString(r, "name")
	m.ClientID = tfString(r, "client_id")
	m.ClientSecret = readMaskedSecret(m.ClientSecret, tfString(r, "client_secret"))
	m.Issuer = tfString(r, "issuer")
	m.Domains = tfDomains(r)
	m.TokenURL = tfString(r, "token_url")
	m.AuthorizeURL = tfString(r, "authorize_url")
	m.JWKSURL = tfString(r, "jwks_url")
	m.Organization = tfString(r, "organization")
	m.Status = tfString(r, "status")
	m.TxtRecord = tfString(r, "txt_record")
	m.DisabledAt = tfString(r, "disabled_at")
	m.Enabled = types.BoolValue(m.DisabledAt.IsNull())
	m.UserID = tfRelID(r, "user")
	return nil
}

// apiDomains joins the domains into the API's comma-separated string, sorted.
func apiDomains(ctx context.Context, v types.Set) (any, diag.Diagnostics) {
	if v.IsNull() || v.IsUnknown() {
		return nil, nil
	}
	var domains []string
	diags := v.ElementsAs(ctx, &domains, false)
	sort.Strings(domains)
	return strings.Join(domains, ","), diags
}

// tfDomains splits the API's comma-separated domains into a set, ignoring
// spaces, empty items and repeats.
func tfDomains(r *jsonapi.Resource) types.Set {
	s := r.String("domains")
	var elems []attr.Value
	seen := map[string]bool{}
	for _, d := range strings.Split(s, ",") {
		if d = strings.TrimSpace(d); d != "" && !seen[d] {
			seen[d] = true
			elems = append(elems, types.StringValue(d))
		}
	}
	if len(elems) == 0 {
		return types.SetNull(types.StringType)
	}
	return types.SetValueMust(types.StringType, elems)
}

// readMaskedSecret reconciles a secret the API returns masked ("****cdef")
// with the value Terraform knows: the known value stays while the visible
// part agrees with it; otherwise the API's value is taken, so that a secret
// changed elsewhere shows as a change in the plan.
func readMaskedSecret(known, fromAPI types.String) types.String {
	if fromAPI.IsNull() || fromAPI.IsUnknown() {
		return known
	}
	api := fromAPI.ValueString()
	if known.IsNull() || known.IsUnknown() || known.ValueString() == api {
		return fromAPI
	}
	visible := strings.TrimLeft(api, "*")
	if visible != api && strings.HasSuffix(known.ValueString(), visible) {
		return known
	}
	return fromAPI
}
