package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// Memberships and membership profiles say who may use test data in two ways:
// the API's access_scope (live_access, test_access, all_access) and the
// test_enabled flag users think in. Both are arguments here, kept in step at
// plan time: the one given decides the other, both given must agree, neither
// given means the API's default, live access only.

const (
	scopeLive = "live_access"
	scopeTest = "test_access"
	scopeAll  = "all_access"
)

var accessScopes = []string{scopeLive, scopeTest, scopeAll}

// scopeGrantsTest reports whether an access scope includes test data.
func scopeGrantsTest(scope string) bool { return scope == scopeTest || scope == scopeAll }

// scopeFor is the access scope that test_enabled alone asks for: test access
// on top of live, or live only.
func scopeFor(testEnabled bool) string {
	if testEnabled {
		return scopeAll
	}
	return scopeLive
}

// accessScopeAttributes returns the access_scope and test_enabled arguments.
func accessScopeAttributes(what string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"access_scope": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: fmt.Sprintf("Which data the %s may reach: `live_access`, `test_access` or `all_access` (live and test). "+
				"When omitted it follows `test_enabled` (`true` = `all_access`, `false` = `live_access`); when both are omitted it is "+
				"`live_access`, the API's default, so removing it resets the %s to live access.", what, what),
			Validators:    []validator.String{stringvalidator.OneOf(accessScopes...)},
			PlanModifiers: []planmodifier.String{accessScopeFromTestEnabled{}},
		},
		"test_enabled": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: fmt.Sprintf("Whether the %s may use test data. `true` alone grants test access on top of live "+
				"(`access_scope = \"all_access\"`); `false` alone means live access only. Given together with `access_scope`, the two must "+
				"agree (`true` with `test_access` or `all_access`, `false` with `live_access`), otherwise the plan fails.", what),
			Validators:    []validator.Bool{testEnabledAgreesWithScope{}},
			PlanModifiers: []planmodifier.Bool{testEnabledFromAccessScope{}},
		},
	}
}

// readAccessScope fills access_scope and test_enabled from an API object.
// A null scope is the API's default; test_enabled follows the object's own
// scope (a membership's test_enabled in the API also reflects its profile,
// which is exposed separately).
func readAccessScope(r *jsonapi.Resource) (types.String, types.Bool) {
	scope := tfString(r, "access_scope")
	if scope.IsNull() {
		scope = types.StringValue(scopeLive)
	}
	return scope, types.BoolValue(scopeGrantsTest(scope.ValueString()))
}

// configValue reads one attribute of the configuration.
func configValue[T attr.Value](ctx context.Context, config tfsdk.Config, name string, target *T) bool {
	return !config.GetAttribute(ctx, path.Root(name), target).HasError()
}

// accessScopeFromTestEnabled plans access_scope when it is not configured.
type accessScopeFromTestEnabled struct{}

func (accessScopeFromTestEnabled) Description(context.Context) string {
	return "follows test_enabled when not set; live_access when neither is set"
}

func (m accessScopeFromTestEnabled) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (accessScopeFromTestEnabled) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var testEnabled types.Bool
	if !configValue(ctx, req.Config, "test_enabled", &testEnabled) || testEnabled.IsUnknown() {
		resp.PlanValue = types.StringUnknown()
		return
	}
	if testEnabled.IsNull() {
		resp.PlanValue = types.StringValue(scopeLive)
		return
	}
	resp.PlanValue = types.StringValue(scopeFor(testEnabled.ValueBool()))
}

// testEnabledFromAccessScope plans test_enabled when it is not configured.
type testEnabledFromAccessScope struct{}

func (testEnabledFromAccessScope) Description(context.Context) string {
	return "follows access_scope when not set"
}

func (m testEnabledFromAccessScope) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (testEnabledFromAccessScope) PlanModifyBool(ctx context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var scope types.String
	if !configValue(ctx, req.Config, "access_scope", &scope) || scope.IsUnknown() {
		resp.PlanValue = types.BoolUnknown()
		return
	}
	resp.PlanValue = types.BoolValue(!scope.IsNull() && scopeGrantsTest(scope.ValueString()))
}

// testEnabledAgreesWithScope rejects test_enabled and access_scope that
// contradict each other.
type testEnabledAgreesWithScope struct{}

func (testEnabledAgreesWithScope) Description(context.Context) string {
	return "must agree with access_scope when both are set"
}

func (v testEnabledAgreesWithScope) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (testEnabledAgreesWithScope) ValidateBool(ctx context.Context, req validator.BoolRequest, resp *validator.BoolResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var scope types.String
	if !configValue(ctx, req.Config, "access_scope", &scope) || scope.IsNull() || scope.IsUnknown() {
		return
	}
	if scopeGrantsTest(scope.ValueString()) != req.ConfigValue.ValueBool() {
		resp.Diagnostics.AddAttributeError(req.Path, "Contradicting test_enabled and access_scope",
			fmt.Sprintf("test_enabled = %t contradicts access_scope = %q: test_enabled = true goes with %q or %q, "+
				"false with %q. Set only one of them, or make them agree.",
				req.ConfigValue.ValueBool(), scope.ValueString(), scopeTest, scopeAll, scopeLive))
	}
}
