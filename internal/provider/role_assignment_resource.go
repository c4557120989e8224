package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// NewRoleAssignmentResource assigns one role on one application to a set of
// memberships or membership profiles: one application membership per
// entity, created, updated and revoked as the set and the role change. It
// only ever touches the application memberships it created or imported.
func NewRoleAssignmentResource() resource.Resource { return &roleAssignmentResource{} }

type roleAssignmentResource struct {
	client *provisioning.Client
}

var (
	_ resource.ResourceWithConfigure   = (*roleAssignmentResource)(nil)
	_ resource.ResourceWithImportState = (*roleAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*roleAssignmentResource)(nil)
)

type roleAssignmentModel struct {
	ID                       types.String `tfsdk:"id"`
	APICredentialID          types.String `tfsdk:"api_credential_id"`
	RoleID                   types.String `tfsdk:"role_id"`
	EntityType               types.String `tfsdk:"entity_type"`
	EntityIDs                types.Set    `tfsdk:"entity_ids"`
	Filters                  filtersValue `tfsdk:"filters"`
	OrganizationID           types.String `tfsdk:"organization_id"`
	ApplicationMembershipIDs types.Map    `tfsdk:"application_membership_ids"`
}

// entityRelationships maps entity_type to the application membership's
// relationship and the JSON:API type of its target.
var entityRelationships = map[string]string{
	"membership":         "memberships",
	"membership_profile": "membership_profiles",
}

var appMembershipInclude = []string{"api_credential", "organization", "role", "membership", "membership_profile"}

func (r *roleAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role_assignment"
}

func (r *roleAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Assigns one role, on one application (API credential), to a set of memberships (people) or " +
			"membership profiles (groups): one application membership per entity. Adding an id creates one, removing an id " +
			"revokes it (deletes that application membership), changing the role or the filters updates them in place. " +
			"It never touches application memberships it did not create or import, and refuses to create one where the " +
			"application already has one for that entity. **Manage a given (application, entity) pair with this resource " +
			"or with `clprovisioning_application_membership`, never both.**",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<api_credential_id>/<role_id>/<entity_type>`, the import id.",
			},
			"api_credential_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The application (API credential). Changing it replaces the assignment.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			"role_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The role the entities get on the application. Changing it updates every application membership in place.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"entity_type": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "What `entity_ids` are: `membership` (people) or `membership_profile` (groups). Changing it replaces the assignment.",
				Validators:          []validator.String{stringvalidator.OneOf("membership", "membership_profile")},
				PlanModifiers:       replace,
			},
			"entity_ids": schema.SetAttribute{
				Required:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The memberships or membership profiles that get the role. Adding an id grants it, removing one revokes it.",
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"filters": filtersAttribute("entities"),
			"organization_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The application's organization. Read from the application when not set (one extra " +
					"request at create). Changing it replaces the assignment.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"application_membership_ids": schema.MapAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The application membership this resource manages for each entity id.",
			},
		},
	}
}

func (r *roleAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan keeps the id and the managed ids known where they do not change.
func (r *roleAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, state roleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if known(plan.APICredentialID, plan.RoleID, plan.EntityType) {
		plan.ID = types.StringValue(assignmentID(plan.APICredentialID.ValueString(), plan.RoleID.ValueString(), plan.EntityType.ValueString()))
	}
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if plan.EntityIDs.Equal(state.EntityIDs) {
			plan.ApplicationMembershipIDs = state.ApplicationMembershipIDs
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *roleAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan roleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	if !known(plan.OrganizationID) {
		app, err := r.client.Get(ctx, "api_credentials", plan.APICredentialID.ValueString(), "organization")
		if err != nil {
			resp.Diagnostics.Append(grantErrorDiags("Could not read the application", err, "")...)
			return
		}
		plan.OrganizationID = tfRelID(app, "organization")
	}
	existing, err := r.applicationMemberships(ctx, plan.APICredentialID.ValueString())
	if err != nil {
		resp.Diagnostics.Append(grantErrorDiags("Could not list the application's memberships", err, "")...)
		return
	}
	wanted := setStrings(ctx, plan.EntityIDs, &resp.Diagnostics)
	rel := plan.EntityType.ValueString()
	owned := map[string]string{}
	for _, am := range existing {
		id := am.Rel(rel).ID()
		switch {
		case !slices.Contains(wanted, id):
		case isOwnGrant(&am, &plan):
			// Made by an earlier run of this assignment that was killed or
			// failed part-way: finish its job rather than grant again.
			owned[id] = am.ID
		default:
			resp.Diagnostics.AddAttributeError(path.Root("entity_ids").AtSetValue(types.StringValue(id)), "Application membership already exists",
				fmt.Sprintf("The application %s already has an application membership (%s) for %s %s, which this resource did "+
					"not create. This resource only manages what it creates: import the assignment (import id %s) if all such "+
					"memberships have this role, or remove that application membership first.",
					plan.APICredentialID.ValueString(), am.ID, rel, id, assignmentID(plan.APICredentialID.ValueString(), plan.RoleID.ValueString(), rel)))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	r.align(ctx, &plan, existing, owned, &resp.Diagnostics)
	var missing []string
	for _, entity := range wanted {
		if _, ok := owned[entity]; !ok {
			missing = append(missing, entity)
		}
	}
	if !resp.Diagnostics.HasError() {
		r.grant(ctx, &plan, missing, owned, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		// Nothing is saved, so the resource is not tainted (which would
		// revoke what succeeded): the grants made carry this assignment's
		// mark, and the next apply adopts them and finishes the job.
		return
	}
	r.setOwned(ctx, &plan, owned, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// The mark a role assignment puts on the application memberships it creates,
// so that it recognises them after a run that was killed or failed before
// its state was saved. One manager per (application, entity type): the mark
// names that pair.
const grantOrigin = "terraform-provider-clprovisioning/role_assignment"

func grantMark(m *roleAssignmentModel) string {
	return m.APICredentialID.ValueString() + "/" + m.EntityType.ValueString()
}

func isOwnGrant(am *jsonapi.Resource, m *roleAssignmentModel) bool {
	return am.String("reference_origin") == grantOrigin && am.String("reference") == grantMark(m)
}

// align gives the adopted grants the planned role and filters (one PATCH
// each, only where they differ).
func (r *roleAssignmentResource) align(ctx context.Context, m *roleAssignmentModel, all []jsonapi.Resource, owned map[string]string, diags *diag.Diagnostics) {
	filters, d := apiFilters(m.Filters)
	diags.Append(d...)
	for _, am := range all {
		entity := am.Rel(m.EntityType.ValueString()).ID()
		if owned[entity] != am.ID {
			continue
		}
		current, d := tfFilters(&am)
		diags.Append(d...)
		same, _ := m.Filters.DynamicSemanticEquals(ctx, current)
		if am.Rel("role").ID() == m.RoleID.ValueString() && same {
			continue
		}
		body := &jsonapi.Resource{Type: "application_memberships", ID: am.ID, Attributes: map[string]any{"filters": filters}}
		body.SetRel("role", jsonapi.ToOne("roles", m.RoleID.ValueString()))
		if _, err := r.client.Update(ctx, body); err != nil {
			diags.Append(grantErrorDiags("Could not update the role of "+entity, err, entity)...)
			return
		}
	}
}

func (r *roleAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state roleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	all, err := r.applicationMemberships(ctx, state.APICredentialID.ValueString())
	if err != nil {
		resp.Diagnostics.Append(grantErrorDiags("Could not list the application's memberships", err, "")...)
		return
	}
	byID := map[string]*jsonapi.Resource{}
	for i := range all {
		byID[all[i].ID] = &all[i]
	}
	owned := map[string]string{}
	if state.ApplicationMembershipIDs.IsNull() {
		// Just imported: adopt every application membership of this
		// application with this role for this type of entity.
		for i := range all {
			am := &all[i]
			if am.Rel("role").ID() == state.RoleID.ValueString() && am.Rel(state.EntityType.ValueString()).ID() != "" {
				owned[am.Rel(state.EntityType.ValueString()).ID()] = am.ID
			}
		}
		if len(owned) == 0 {
			resp.Diagnostics.AddError("Nothing to import",
				fmt.Sprintf("The application %s has no application memberships with role %s for any %s.",
					state.APICredentialID.ValueString(), state.RoleID.ValueString(), state.EntityType.ValueString()))
			return
		}
	} else {
		for entity, amID := range mapStrings(ctx, state.ApplicationMembershipIDs, &resp.Diagnostics) {
			if _, ok := byID[amID]; ok {
				owned[entity] = amID
			} // else revoked behind Terraform's back: the plan grants it again
		}
	}
	// Role and filters as the API holds them: an owned membership that
	// differs makes the difference show in the plan.
	for _, entity := range slices.Sorted(maps.Keys(owned)) {
		am := byID[owned[entity]]
		if role := am.Rel("role").ID(); role != state.RoleID.ValueString() {
			state.RoleID = types.StringValue(role)
		}
		filters, d := tfFilters(am)
		resp.Diagnostics.Append(d...)
		if same, _ := state.Filters.DynamicSemanticEquals(ctx, filters); !same {
			state.Filters = filters
		}
		state.OrganizationID = tfRelID(am, "organization")
	}
	r.setOwned(ctx, &state, owned, &resp.Diagnostics)
	if state.ID.IsNull() || state.ID.IsUnknown() {
		state.ID = types.StringValue(assignmentID(state.APICredentialID.ValueString(), state.RoleID.ValueString(), state.EntityType.ValueString()))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *roleAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state roleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	owned := mapStrings(ctx, state.ApplicationMembershipIDs, &resp.Diagnostics)
	wanted := setStrings(ctx, plan.EntityIDs, &resp.Diagnostics)

	// Revoke what left the set.
	for _, entity := range slices.Sorted(maps.Keys(owned)) {
		if slices.Contains(wanted, entity) {
			continue
		}
		if err := r.client.Delete(ctx, "application_memberships", owned[entity]); err != nil && !provisioning.IsNotFound(err) {
			resp.Diagnostics.Append(grantErrorDiags("Could not revoke the role from "+entity, err, entity)...)
			break
		}
		delete(owned, entity)
	}
	// Update what stays, when the role or the filters changed.
	sameFilters, _ := plan.Filters.DynamicSemanticEquals(ctx, state.Filters)
	if !resp.Diagnostics.HasError() && (!plan.RoleID.Equal(state.RoleID) || !sameFilters) {
		filters, d := apiFilters(plan.Filters)
		resp.Diagnostics.Append(d...)
		for _, entity := range slices.Sorted(maps.Keys(owned)) {
			body := &jsonapi.Resource{Type: "application_memberships", ID: owned[entity], Attributes: map[string]any{"filters": filters}}
			body.SetRel("role", jsonapi.ToOne("roles", plan.RoleID.ValueString()))
			if _, err := r.client.Update(ctx, body); err != nil {
				resp.Diagnostics.Append(grantErrorDiags("Could not update the role of "+entity, err, entity)...)
				break
			}
		}
	}
	// Grant what joined the set (or was revoked behind Terraform's back).
	if !resp.Diagnostics.HasError() {
		var missing []string
		for _, entity := range wanted {
			if _, ok := owned[entity]; !ok {
				missing = append(missing, entity)
			}
		}
		r.grant(ctx, &plan, missing, owned, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		// Keep what was done, with the prior role and filters: the next plan
		// shows what is left.
		plan.RoleID, plan.Filters = state.RoleID, state.Filters
	}
	r.setOwned(ctx, &plan, owned, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *roleAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state roleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	owned := mapStrings(ctx, state.ApplicationMembershipIDs, &resp.Diagnostics)
	for _, entity := range slices.Sorted(maps.Keys(owned)) {
		if err := r.client.Delete(ctx, "application_memberships", owned[entity]); err != nil && !provisioning.IsNotFound(err) {
			resp.Diagnostics.Append(grantErrorDiags("Could not revoke the role from "+entity, err, entity)...)
			// Keep in the state what could not be revoked.
			r.setOwned(ctx, &state, map[string]string{entity: owned[entity]}, &resp.Diagnostics)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			return
		}
	}
}

// ImportState takes `<api_credential_id>/<role_id>/<entity_type>`; Read then
// adopts the matching application memberships.
func (r *roleAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.Split(req.ID, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || entityRelationships[parts[2]] == "" {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Expected <api_credential_id>/<role_id>/<entity_type> with entity_type membership or membership_profile, got %q.", req.ID))
		return
	}
	for name, v := range map[string]string{"id": req.ID, "api_credential_id": parts[0], "role_id": parts[1], "entity_type": parts[2]} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
}

// grant creates one application membership per entity, recording each in owned.
func (r *roleAssignmentResource) grant(ctx context.Context, m *roleAssignmentModel, entities []string, owned map[string]string, diags *diag.Diagnostics) {
	filters, d := apiFilters(m.Filters)
	diags.Append(d...)
	rel := m.EntityType.ValueString()
	for _, entity := range entities {
		body := &jsonapi.Resource{Type: "application_memberships", Attributes: map[string]any{}}
		if filters != nil {
			body.SetAttr("filters", filters)
		}
		body.SetRel("api_credential", jsonapi.ToOne("api_credentials", m.APICredentialID.ValueString()))
		body.SetRel("organization", jsonapi.ToOne("organizations", m.OrganizationID.ValueString()))
		body.SetRel("role", jsonapi.ToOne("roles", m.RoleID.ValueString()))
		body.SetRel(rel, jsonapi.ToOne(entityRelationships[rel], entity))
		body.SetAttr("reference_origin", grantOrigin)
		body.SetAttr("reference", grantMark(m))
		x := &exchange{client: r.client}
		created, err := applicationMembershipEntity.post(ctx, x, body, func(existing *jsonapi.Resource) bool { return isOwnGrant(existing, m) })
		diags.Append(x.warnings...)
		if err != nil {
			diags.Append(grantErrorDiags(fmt.Sprintf("Could not assign the role to %s %s", rel, entity), err, entity)...)
			return
		}
		owned[entity] = created.ID
	}
}

// setOwned records the managed application memberships and the entity set
// they stand for.
func (r *roleAssignmentResource) setOwned(ctx context.Context, m *roleAssignmentModel, owned map[string]string, diags *diag.Diagnostics) {
	ids, d := types.MapValueFrom(ctx, types.StringType, owned)
	diags.Append(d...)
	m.ApplicationMembershipIDs = ids
	entities := make([]attr.Value, 0, len(owned))
	for _, e := range slices.Sorted(maps.Keys(owned)) {
		entities = append(entities, types.StringValue(e))
	}
	m.EntityIDs = types.SetValueMust(types.StringType, entities)
}

// applicationMemberships lists every application membership of an application.
func (r *roleAssignmentResource) applicationMemberships(ctx context.Context, appID string) ([]jsonapi.Resource, error) {
	return r.client.List(ctx, "application_memberships", provisioning.Query{
		Filters: map[string]string{"api_credential_id_eq": appID},
		Include: appMembershipInclude,
	})
}

func (r *roleAssignmentResource) ready(diags *diag.Diagnostics) bool {
	if r.client == nil {
		diags.AddError("Provider not configured", errNotConfigured.Error())
		return false
	}
	return true
}

func assignmentID(app, role, entityType string) string { return app + "/" + role + "/" + entityType }

func known(vs ...types.String) bool {
	for _, v := range vs {
		if v.IsNull() || v.IsUnknown() {
			return false
		}
	}
	return true
}

func setStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	var out []string
	if !s.IsNull() && !s.IsUnknown() {
		diags.Append(s.ElementsAs(ctx, &out, false)...)
	}
	slices.Sort(out)
	return out
}

func mapStrings(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	out := map[string]string{}
	if !m.IsNull() && !m.IsUnknown() {
		diags.Append(m.ElementsAs(ctx, &out, false)...)
	}
	return out
}

// grantErrorDiags points an API error about one application membership at
// the assignment's attribute: the entity's element of entity_ids, or
// api_credential_id, role_id, filters.
func grantErrorDiags(summary string, err error, entity string) diag.Diagnostics {
	return errorDiagsAt(summary, err, func(apiName string) (path.Path, bool) {
		switch apiName {
		case "membership", "membership_profile":
			return path.Root("entity_ids").AtSetValue(types.StringValue(entity)), entity != ""
		case "api_credential", "role":
			return path.Root(apiName + "_id"), true
		case "filters":
			return path.Root("filters"), true
		}
		return path.Empty(), false
	})
}
