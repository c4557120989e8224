package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// NewRoleAssignmentResource assigns one role on one application to a set of
// memberships or membership profiles: one application membership per
// entity, created, updated and revoked as the set and the role change. It
// only ever touches the application memberships it created or imported,
// unless it is exclusive: then it also revokes, by name in the plan, the
// other application memberships of its application, role and entity type
// (never the organization owner's).
func NewRoleAssignmentResource() resource.Resource { return &roleAssignmentResource{} }

type roleAssignmentResource struct {
	client *provisioning.Client
}

var (
	_ resource.ResourceWithConfigure   = (*roleAssignmentResource)(nil)
	_ resource.ResourceWithImportState = (*roleAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*roleAssignmentResource)(nil)
	_ resource.ResourceWithIdentity    = (*roleAssignmentResource)(nil)
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
	Exclusive                types.Bool   `tfsdk:"exclusive"`
	UnlistedGrants           types.Map    `tfsdk:"unlisted_grants"`
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
	// The role is part of the identity and changes in place.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *roleAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Assigns one role, on one application (API credential), to a set of memberships (people) or " +
			"membership profiles (groups): one application membership per entity. Adding an id creates one, removing an id " +
			"revokes it (deletes that application membership), changing the role or the filters updates them in place. " +
			"It never touches application memberships it did not create or import, and refuses to create one where the " +
			"application already has one for that entity. **Manage a given (application, entity) pair with this resource " +
			"or with `clprovisioning_application_membership`, never both.** With `exclusive = true` it is the only way to get " +
			"its role on its application for its type of entity: access given otherwise is named in the plan and revoked.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<api_credential_id>/<role_id>/<entity_type>`, the import id.",
			},
			"api_credential_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The application (API credential). Changing it replaces the assignment.",
				Validators:          []validator.String{objectID()},
				PlanModifiers:       replace,
			},
			"role_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The role the entities get on the application. Changing it updates every application membership in place.",
				Validators:          []validator.String{objectID()},
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
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(objectID())},
			},
			"filters": filtersAttribute("entities"),
			"organization_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The application's organization. Read from the application when not set (one extra " +
					"request at create). Changing it replaces the assignment.",
				Validators:    []validator.String{objectID()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"application_membership_ids": schema.MapAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The application membership this resource manages for each entity id.",
			},
			"exclusive": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "When `true`, this resource is the authority on who has `role_id` on the application for " +
					"`entity_type`: every other application membership of the application with that role and type of entity " +
					"(given in the Dashboard, by another tool or by a `clprovisioning_application_membership`) is listed in " +
					"`unlisted_grants`, named in a warning at plan, shown removed in the plan and revoked (deleted) by apply. " +
					"The organization owner's access is never revoked. Default `false`: such access is left alone and not read. " +
					"Use it only where this resource is the one manager of the application and type of entity: two exclusive " +
					"assignments of the same application, role and type would revoke each other's grants.",
			},
			"unlisted_grants": schema.MapAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "With `exclusive = true`: the application memberships of the application with `role_id` " +
					"for entities not in `entity_ids`, as last read, by entity id, each named by the person's e-mail or the " +
					"profile's name (the owner's are left out: never revoked). A plan shows each of them removed, and apply " +
					"revokes them, so it is empty after an apply. Null when `exclusive` is `false`.",
			},
		},
	}
}

func (r *roleAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan keeps the id and the managed ids known where they do not
// change and, for an exclusive assignment, plans the revocation of the
// unlisted grants, naming each.
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
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if plan.EntityIDs.Equal(state.EntityIDs) {
			plan.ApplicationMembershipIDs = state.ApplicationMembershipIDs
		}
	}
	r.planExclusive(ctx, &plan, &state, creating, resp)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// revocation is what an exclusive plan revokes, carried to the apply in the
// private state: the unlisted grants of one role, by entity id, with names.
type revocation struct {
	Role     string            `json:"role"`
	Entities map[string]string `json:"entities"`
}

const revocationKey = "exclusive_revocation"

// planExclusive plans unlisted_grants: null unless exclusive; empty when
// exclusive, as apply revokes what is unlisted. The grants to revoke are
// those of the refreshed state (read with the same role); when the
// assignment becomes exclusive, changes role or is created, they are looked
// up now (one list of the application's grants, only then).
func (r *roleAssignmentResource) planExclusive(ctx context.Context, plan, state *roleAssignmentModel, creating bool, resp *resource.ModifyPlanResponse) {
	if resp.Private != nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, revocationKey, nil)...)
	}
	switch {
	case plan.Exclusive.IsUnknown():
		plan.UnlistedGrants = types.MapUnknown(types.StringType)
		return
	case !plan.Exclusive.ValueBool():
		plan.UnlistedGrants = types.MapNull(types.StringType)
		return
	}
	plan.UnlistedGrants = types.MapValueMust(types.StringType, map[string]attr.Value{})
	rev := revocation{Role: plan.RoleID.ValueString(), Entities: map[string]string{}}
	switch {
	case !creating && state.Exclusive.ValueBool() && plan.RoleID.Equal(state.RoleID):
		rev.Entities = mapStrings(ctx, state.UnlistedGrants, &resp.Diagnostics)
	case known(plan.APICredentialID, plan.RoleID, plan.EntityType) && r.client != nil:
		all, err := r.applicationMemberships(ctx, plan.APICredentialID.ValueString())
		if err != nil {
			resp.Diagnostics.Append(grantErrorDiags("Could not list the application's memberships", err, "")...)
			return
		}
		owned := map[string]bool{}
		for _, id := range mapStrings(ctx, state.ApplicationMembershipIDs, &resp.Diagnostics) {
			owned[id] = true
		}
		// Ids not known yet are of entities made in this apply: none has a
		// grant yet.
		var wanted []string
		for _, e := range plan.EntityIDs.Elements() {
			if s, ok := e.(types.String); ok && !s.IsUnknown() && !s.IsNull() {
				wanted = append(wanted, s.ValueString())
			}
		}
		for entity, name := range unlistedGrants(all, plan, func(am *jsonapi.Resource) bool {
			// Create adopts its own marked grants of the entities it lists,
			// and refuses the others'.
			return owned[am.ID] || (creating && slices.Contains(wanted, am.Rel(plan.EntityType.ValueString()).ID()))
		}) {
			rev.Entities[entity] = name.name
		}
	default:
		// The application or the role is made in this apply: no one can
		// have been given it by hand yet.
		return
	}
	if len(rev.Entities) == 0 {
		return
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("exclusive"), "Access given outside this role assignment will be revoked",
		fmt.Sprintf("exclusive = true: apply revokes role %s on application %s from %d %s not in entity_ids:\n%s\n"+
			"To keep someone's access, add them to entity_ids. The organization owner's access is never revoked.",
			rev.Role, plan.APICredentialID.ValueString(), len(rev.Entities), plural(plan.EntityType.ValueString(), len(rev.Entities)),
			namedList(rev.Entities)))
	if resp.Private != nil {
		b, _ := json.Marshal(rev)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, revocationKey, b)...)
	}
}

// unlistedGrant is an application membership of the assignment's role for
// an entity it does not list.
type unlistedGrant struct {
	id   string // the application membership
	name string // the person's e-mail or the profile's name
}

// unlistedGrants finds, among an application's grants, those with the
// model's role for entities of its type that it does not list and that are
// not its own, by entity id; the organization owner's are left out (never
// revoked).
func unlistedGrants(all []jsonapi.Resource, m *roleAssignmentModel, own func(*jsonapi.Resource) bool) map[string]unlistedGrant {
	out := map[string]unlistedGrant{}
	rel := m.EntityType.ValueString()
	for i := range all {
		am := &all[i]
		entity := am.Rel(rel).ID()
		if entity == "" || am.Rel("role").ID() != m.RoleID.ValueString() || own(am) {
			continue
		}
		holders := am.Related(rel)
		if len(holders) == 0 || holders[0].Bool("owner") {
			// The owner's access is never revoked, nor that of someone the
			// answer does not show (who could be the owner).
			continue
		}
		name := holders[0].String("user_email")
		if name == "" {
			name = holders[0].String("name")
		}
		if name == "" {
			name = entity
		}
		out[entity] = unlistedGrant{id: am.ID, name: name}
	}
	return out
}

// namedList lists entities as "  - name (id)" lines, sorted by name.
func namedList(entities map[string]string) string {
	lines := make([]string, 0, len(entities))
	for id, name := range entities {
		if name == id {
			lines = append(lines, "  - "+id)
		} else {
			lines = append(lines, fmt.Sprintf("  - %s (%s)", name, id))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func plural(entityType string, n int) string {
	if n == 1 {
		return entityType
	}
	return entityType + "s"
}

func (r *roleAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan roleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics) {
		return
	}
	if !known(plan.OrganizationID) {
		// The application may have been created moments ago, in this apply:
		// a lagging read of it is not its absence.
		app, err := getFresh(ctx, func() (*jsonapi.Resource, error) {
			return r.client.Get(ctx, "api_credentials", plan.APICredentialID.ValueString(), "organization")
		})
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
	if plan.Exclusive.ValueBool() && !resp.Diagnostics.HasError() {
		ownIDs := map[string]bool{}
		for _, id := range owned {
			ownIDs[id] = true
		}
		unlisted := unlistedGrants(existing, &plan, func(am *jsonapi.Resource) bool { return ownIDs[am.ID] })
		r.revokeUnlisted(ctx, &plan, unlisted, &resp.Diagnostics)
		plan.UnlistedGrants = types.MapValueMust(types.StringType, map[string]attr.Value{})
	} else {
		plan.UnlistedGrants = types.MapNull(types.StringType)
	}
	var missing []string
	for _, entity := range wanted {
		if _, ok := owned[entity]; !ok {
			missing = append(missing, entity)
		}
	}
	if !resp.Diagnostics.HasError() {
		r.grant(ctx, &plan, missing, owned, &resp.Diagnostics)
		if len(missing) > 0 && resp.Private != nil {
			markGranted(ctx, resp.Private, &resp.Diagnostics)
		}
	}
	if resp.Diagnostics.HasError() {
		// Nothing is saved, so the resource is not tainted (which would
		// revoke what succeeded): the grants made carry this assignment's
		// mark, and the next apply adopts them and finishes the job.
		return
	}
	r.setOwned(ctx, &plan, owned, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setAssignmentIdentity(ctx, resp.Identity, &plan)...)
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
	var all []jsonapi.Resource
	byID := map[string]*jsonapi.Resource{}
	list := func() (bool, error) {
		var err error
		all, err = r.applicationMemberships(ctx, state.APICredentialID.ValueString())
		clear(byID)
		for i := range all {
			byID[all[i].ID] = &all[i]
		}
		for _, amID := range mapStrings(ctx, state.ApplicationMembershipIDs, &resp.Diagnostics) {
			if byID[amID] == nil {
				return false, err
			}
		}
		return true, err
	}
	complete, err := list()
	if err == nil && !complete && req.Private != nil && grantedMomentsAgo(ctx, req.Private) {
		// Grants made moments ago may be missing from a lagging list.
		err = untilSeen(ctx, time.Now().Add(readLag), list)
	}
	if err != nil {
		resp.Diagnostics.Append(grantErrorDiags("Could not list the application's memberships", err, "")...)
		return
	}
	if state.Exclusive.IsNull() {
		state.Exclusive = types.BoolValue(false) // imported, or saved by an earlier version
	}
	readRole := state.RoleID // the role the unlisted grants are read for
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
	state.UnlistedGrants = types.MapNull(types.StringType)
	if state.Exclusive.ValueBool() {
		ownIDs := map[string]bool{}
		for _, id := range owned {
			ownIDs[id] = true
		}
		m := state
		m.RoleID = readRole
		names := map[string]string{}
		for entity, g := range unlistedGrants(all, &m, func(am *jsonapi.Resource) bool { return ownIDs[am.ID] }) {
			names[entity] = g.name
		}
		state.UnlistedGrants = stringMap(ctx, names, &resp.Diagnostics)
	}
	if state.ID.IsNull() || state.ID.IsUnknown() {
		state.ID = types.StringValue(assignmentID(state.APICredentialID.ValueString(), state.RoleID.ValueString(), state.EntityType.ValueString()))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setAssignmentIdentity(ctx, resp.Identity, &state)...)
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

	// Exclusive: revoke the unlisted grants the plan named, first (an
	// entity that joins the set may be one of them).
	left := r.revokePlanned(ctx, req, &plan, owned, &resp.Diagnostics)

	// Revoke what left the set.
	for _, entity := range slices.Sorted(maps.Keys(owned)) {
		if resp.Diagnostics.HasError() {
			break
		}
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
		if len(missing) > 0 && resp.Private != nil {
			markGranted(ctx, resp.Private, &resp.Diagnostics)
		}
	}
	if resp.Diagnostics.HasError() {
		// Keep what was done, with the prior role and filters: the next plan
		// shows what is left.
		plan.RoleID, plan.Filters = state.RoleID, state.Filters
		if plan.Exclusive.ValueBool() {
			plan.UnlistedGrants = stringMap(ctx, left, &resp.Diagnostics)
		}
	}
	if resp.Private != nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, revocationKey, nil)...)
	}
	r.setOwned(ctx, &plan, owned, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setAssignmentIdentity(ctx, resp.Identity, &plan)...)
}

// revokePlanned revokes the unlisted grants an exclusive plan named (kept in
// the private state by ModifyPlan) that still have the role and are still
// not the owner's: one list of the application's grants, one DELETE each.
// It returns those left (not revoked because of an error).
func (r *roleAssignmentResource) revokePlanned(ctx context.Context, req resource.UpdateRequest, plan *roleAssignmentModel, owned map[string]string, diags *diag.Diagnostics) map[string]string {
	if !plan.Exclusive.ValueBool() || req.Private == nil {
		return nil
	}
	raw, d := req.Private.GetKey(ctx, revocationKey)
	diags.Append(d...)
	var rev revocation
	if len(raw) == 0 || json.Unmarshal(raw, &rev) != nil || len(rev.Entities) == 0 {
		return nil
	}
	all, err := r.applicationMemberships(ctx, plan.APICredentialID.ValueString())
	if err != nil {
		diags.Append(grantErrorDiags("Could not list the application's memberships", err, "")...)
		return rev.Entities
	}
	ownIDs := map[string]bool{}
	for _, id := range owned {
		ownIDs[id] = true
	}
	m := *plan
	m.RoleID = types.StringValue(rev.Role)
	now := unlistedGrants(all, &m, func(am *jsonapi.Resource) bool { return ownIDs[am.ID] })
	planned := map[string]unlistedGrant{}
	for entity := range rev.Entities {
		if g, ok := now[entity]; ok {
			planned[entity] = g
		}
	}
	revoked := r.revokeUnlisted(ctx, plan, planned, diags)
	left := map[string]string{}
	for entity, g := range planned {
		if !revoked[entity] {
			left[entity] = g.name
		}
	}
	return left
}

// revokeUnlisted deletes unlisted grants, in the order of their names, and
// names each in a warning (the plan named them too). It returns the entities
// whose grant is gone.
func (r *roleAssignmentResource) revokeUnlisted(ctx context.Context, m *roleAssignmentModel, grants map[string]unlistedGrant, diags *diag.Diagnostics) map[string]bool {
	gone := map[string]bool{}
	if len(grants) == 0 {
		return gone
	}
	revoked := map[string]string{}
	for _, entity := range slices.SortedFunc(maps.Keys(grants), func(a, b string) int { return strings.Compare(grants[a].name, grants[b].name) }) {
		g := grants[entity]
		if err := r.client.Delete(ctx, "application_memberships", g.id); err != nil && !provisioning.IsNotFound(err) {
			diags.Append(grantErrorDiags(fmt.Sprintf("Could not revoke the access of %s (application membership %s)", g.name, g.id), err, "")...)
			break
		}
		revoked[entity] = g.name
		gone[entity] = true
	}
	if len(revoked) > 0 {
		diags.AddAttributeWarning(path.Root("exclusive"), "Access given outside this role assignment revoked",
			fmt.Sprintf("exclusive = true: revoked role %s on application %s from %d %s not in entity_ids:\n%s",
				m.RoleID.ValueString(), m.APICredentialID.ValueString(), len(revoked), plural(m.EntityType.ValueString(), len(revoked)), namedList(revoked)))
	}
	return gone
}

// stringMap is a map of strings as a Terraform value (empty, never null).
func stringMap(ctx context.Context, m map[string]string, diags *diag.Diagnostics) types.Map {
	if m == nil {
		m = map[string]string{}
	}
	v, d := types.MapValueFrom(ctx, types.StringType, m)
	diags.Append(d...)
	return v
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
			// Keep in the state what is not revoked: this grant and those
			// not tried yet.
			r.setOwned(ctx, &state, owned, &resp.Diagnostics)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			return
		}
		delete(owned, entity)
	}
}

// ImportState takes `<api_credential_id>/<role_id>/<entity_type>`; Read then
// adopts the matching application memberships.
// IdentitySchema: an assignment is identified by its application, role and
// entity type (Terraform 1.12+ imports by `identity = { ... }`).
func (r *roleAssignmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	attr := func(desc string) identityschema.StringAttribute {
		return identityschema.StringAttribute{RequiredForImport: true, Description: desc}
	}
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"api_credential_id": attr("The application (API credential)."),
		"role_id":           attr("The role assigned."),
		"entity_type":       attr("`membership` or `membership_profile`."),
	}}
}

// setAssignmentIdentity records the identity; CLIs without identity give
// none to set.
func setAssignmentIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m *roleAssignmentModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if identity == nil {
		return diags
	}
	for name, v := range map[string]types.String{"api_credential_id": m.APICredentialID, "role_id": m.RoleID, "entity_type": m.EntityType} {
		diags.Append(identity.SetAttribute(ctx, path.Root(name), v)...)
	}
	return diags
}

func (r *roleAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" && req.Identity != nil {
		var app, role, typ types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("api_credential_id"), &app)...)
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("role_id"), &role)...)
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("entity_type"), &typ)...)
		req.ID = assignmentID(app.ValueString(), role.ValueString(), typ.ValueString())
	}
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
		full := *body
		if filters == nil {
			full.Attributes = maps.Clone(body.Attributes)
			full.SetAttr("filters", nil)
		}
		created, err := applicationMembershipEntity.post(ctx, x, body, &adoption{
			allowed: func(existing *jsonapi.Resource) bool { return isOwnGrant(existing, m) },
			full:    &full,
		})
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

// grantedKey is the private-state key of when the assignment last granted
// (RFC 3339): a read shortly after may miss those grants in a lagging list.
const grantedKey = "granted_at"

func markGranted(ctx context.Context, private interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}, diags *diag.Diagnostics) {
	b, _ := json.Marshal(time.Now().UTC().Format(time.RFC3339))
	diags.Append(private.SetKey(ctx, grantedKey, b)...)
}

func grantedMomentsAgo(ctx context.Context, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}) bool {
	raw, _ := private.GetKey(ctx, grantedKey)
	var at string
	if json.Unmarshal(raw, &at) != nil {
		return false
	}
	return createdMomentsAgo(types.StringValue(at))
}
