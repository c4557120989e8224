package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// secretKeptWhenOmitted plans an identity provider's client_secret when the
// configuration sets neither client_secret nor client_secret_wo: an existing
// identity provider keeps its secret (the API cannot clear it) and the state
// keeps what the API returns, so an imported one whose secret is unknown
// (as generated configuration leaves it) plans no change; a new one cannot
// be created without a secret. With client_secret_wo the state holds none.
type secretKeptWhenOmitted struct{}

var _ planmodifier.String = secretKeptWhenOmitted{}

func (secretKeptWhenOmitted) Description(context.Context) string {
	return "when omitted: kept as it is, or null with client_secret_wo"
}

func (m secretKeptWhenOmitted) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (secretKeptWhenOmitted) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var version types.Number
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, pathSecretWOVersion, &version)...)
	switch {
	case !version.IsNull():
		resp.PlanValue = types.StringNull() // the secret is write-only: never in the state
	case req.State.Raw.IsNull():
		resp.Diagnostics.AddAttributeError(req.Path, "Missing client secret",
			"Creating an identity provider needs its client secret: set client_secret, or client_secret_wo with "+
				"client_secret_wo_version (Terraform 1.11 and later). Only an existing identity provider (an imported one) "+
				"may leave both out, which keeps its secret as it is.")
	default:
		resp.PlanValue = req.StateValue
	}
}
