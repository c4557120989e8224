package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// unchangedUnless keeps a computed value from the state unless one of the
// attributes it depends on changes in the plan; then it is unknown until
// the apply. It is UseStateForUnknown for values the API derives from other
// arguments, so plans stay quiet without hiding real changes.
type unchangedUnless struct {
	paths []string // top-level attributes the value is derived from
}

func (m unchangedUnless) Description(context.Context) string {
	return "unchanged unless " + strings.Join(m.paths, ", ") + " change"
}

func (m unchangedUnless) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m unchangedUnless) PlanModifyBool(_ context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() || !req.ConfigValue.IsNull() {
		return
	}
	if m.unchanged(req.Plan.Raw, req.State.Raw) {
		resp.PlanValue = req.StateValue
	}
}

func (m unchangedUnless) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() || !req.ConfigValue.IsNull() {
		return
	}
	if m.unchanged(req.Plan.Raw, req.State.Raw) {
		resp.PlanValue = req.StateValue
	}
}

// unchanged reports whether every dependency has the same, known value in
// the plan and the state.
func (m unchangedUnless) unchanged(plan, state tftypes.Value) bool {
	for _, name := range m.paths {
		at := tftypes.NewAttributePath().WithAttributeName(name)
		p, _, errP := tftypes.WalkAttributePath(plan, at)
		s, _, errS := tftypes.WalkAttributePath(state, at)
		pv, okP := p.(tftypes.Value)
		sv, okS := s.(tftypes.Value)
		if errP != nil || errS != nil || !okP || !okS || !pv.IsFullyKnown() || !pv.Equal(sv) {
			return false
		}
	}
	return true
}
