package provider

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// Actions do once what no resource argument should hold: re-send an
// invitation, hand an organization over, refresh a role's base
// permissions. Terraform 1.14 and later runs them with
// `terraform apply -invoke=action.<type>.<name>` or from a resource's
// `lifecycle { action_trigger { ... } }`. Each invocation is one API call.

// apiAction is the one implementation of every action: string arguments,
// one call, a progress message before and after, and the API's refusals
// explained.
type apiAction struct {
	client      *provisioning.Client
	name        string // without the provider prefix
	description string
	args        []actionArg
	// start and run describe and make the call; run returns what was done.
	start func(args map[string]string) string
	run   func(ctx context.Context, c *provisioning.Client, args map[string]string) (string, error)
	// refused explains an API refusal (HTTP status) in the user's terms,
	// added to the API's own words ("" = nothing to add).
	refused func(status int, args map[string]string) string
}

type actionArg struct {
	name, description string
	validators        []validator.String
}

var _ action.ActionWithConfigure = (*apiAction)(nil)

// NewMembershipResendInvitationAction re-sends a pending membership's invitation.
func NewMembershipResendInvitationAction() action.Action {
	return &apiAction{
		name: "membership_resend_invitation",
		description: "Re-sends the invitation email of a `pending` membership (one POST " +
			"`/api/memberships/{id}/resend`). Use it with Terraform 1.14 and later: `terraform apply " +
			"-invoke=action.clprovisioning_membership_resend_invitation.<name>` sends it once, whenever you choose, " +
			"with no change to the configuration; an `action_trigger` sends it when the membership is created or " +
			"updated. On older Terraform versions, change the membership's `resend_invitation` argument instead. " +
			"A membership that is already `active` has no invitation to re-send: the action fails and says so.",
		args: []actionArg{{name: "membership_id", description: "The ID of the pending membership whose invitation to re-send.",
			validators: []validator.String{objectID()}}},
		start: func(a map[string]string) string {
			return fmt.Sprintf("Re-sending the invitation of membership %s", a["membership_id"])
		},
		run: func(ctx context.Context, c *provisioning.Client, a map[string]string) (string, error) {
			return fmt.Sprintf("Invitation of membership %s re-sent", a["membership_id"]),
				c.Action(ctx, http.MethodPost, provisioning.Path("memberships", a["membership_id"], "resend"), nil)
		},
		refused: func(status int, a map[string]string) string {
			switch status {
			case http.StatusUnprocessableEntity:
				return fmt.Sprintf("Only a pending membership has an invitation to re-send: membership %s is already active "+
					"(the person accepted the invitation, or already had a Commerce Layer account). Nothing was sent.", a["membership_id"])
			case http.StatusNotFound:
				return fmt.Sprintf("There is no membership %s (it may have been deleted).", a["membership_id"])
			}
			return ""
		},
	}
}

// NewOrganizationTransferOwnershipAction hands an organization to another member.
func NewOrganizationTransferOwnershipAction() action.Action {
	return &apiAction{
		name: "organization_transfer_ownership",
		description: "Transfers the ownership of an organization to another member (one PATCH " +
			"`/api/organizations/{id}/transfer_ownership`), with Terraform 1.14 and later: `terraform apply " +
			"-invoke=action.clprovisioning_organization_transfer_ownership.<name>`. Only the owner can transfer, and the " +
			"new owner must already be a member of the organization. Afterwards the memberships' `owner` attributes change " +
			"in Commerce Layer: the next plan reads them. Transferring ownership is what allows the former owner's " +
			"membership to be destroyed.",
		args: []actionArg{
			{name: "organization_id", description: "The ID of the organization.", validators: []validator.String{objectID()}},
			{name: "new_owner_email", description: "The email address of the member who becomes the owner.",
				validators: []validator.String{emailAddress()}},
		},
		start: func(a map[string]string) string {
			return fmt.Sprintf("Transferring the ownership of organization %s to %s", a["organization_id"], a["new_owner_email"])
		},
		run: func(ctx context.Context, c *provisioning.Client, a map[string]string) (string, error) {
			id := a["organization_id"]
			body := &jsonapi.Resource{Type: "organizations", ID: id, Attributes: map[string]any{"new_owner_email": a["new_owner_email"]}}
			return fmt.Sprintf("Organization %s now belongs to %s", id, a["new_owner_email"]),
				c.Action(ctx, http.MethodPatch, provisioning.Path("organizations", id, "transfer_ownership"), body)
		},
		refused: func(status int, a map[string]string) string {
			switch status {
			case http.StatusUnprocessableEntity:
				return fmt.Sprintf("The new owner must already be a member of organization %s, and not its owner already: "+
					"add %s with a clprovisioning_membership first (and let the invitation be accepted), then transfer.",
					a["organization_id"], a["new_owner_email"])
			case http.StatusUnauthorized, http.StatusForbidden:
				return fmt.Sprintf("Only the owner of organization %s can transfer its ownership.", a["organization_id"])
			case http.StatusNotFound:
				return fmt.Sprintf("There is no organization %s that these credentials can see.", a["organization_id"])
			}
			return ""
		},
	}
}

// NewRoleAddMissingBasePermissionsAction refreshes a role's base permissions.
func NewRoleAddMissingBasePermissionsAction() action.Action {
	return &apiAction{
		name: "role_add_missing_base_permissions",
		description: "Adds to a role the base permissions it lacks (one PATCH `/api/roles/{id}` with the API's " +
			"`_add_missing_base_permissions` trigger): after Commerce Layer introduces new resources, a custom role " +
			"created earlier gets their base permissions. With Terraform 1.14 and later: `terraform apply " +
			"-invoke=action.clprovisioning_role_add_missing_base_permissions.<name>`, or an `action_trigger` on the role. " +
			"The permissions it adds are not managed by Terraform until imported.",
		args: []actionArg{{name: "role_id", description: "The ID of the role.", validators: []validator.String{objectID()}}},
		start: func(a map[string]string) string {
			return fmt.Sprintf("Adding the missing base permissions to role %s", a["role_id"])
		},
		run: func(ctx context.Context, c *provisioning.Client, a map[string]string) (string, error) {
			role, err := c.Update(ctx, &jsonapi.Resource{Type: "roles", ID: a["role_id"],
				Attributes: map[string]any{"_add_missing_base_permissions": true}})
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("Role %s: missing base permissions added", withDetail(role.String("name"), role.ID)), nil
		},
		refused: func(status int, a map[string]string) string {
			if status == http.StatusNotFound {
				return fmt.Sprintf("There is no role %s (roles cannot be deleted: check the ID).", a["role_id"])
			}
			return ""
		},
	}
}

func (a *apiAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + a.name
}

func (a *apiAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := make(map[string]aschema.Attribute, len(a.args))
	for _, arg := range a.args {
		attrs[arg.name] = aschema.StringAttribute{
			Required:            true,
			MarkdownDescription: arg.description,
			Validators:          append([]validator.String{stringvalidator.LengthAtLeast(1)}, arg.validators...),
		}
	}
	resp.Schema = aschema.Schema{MarkdownDescription: a.description, Attributes: attrs}
}

func (a *apiAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (a *apiAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	args := map[string]string{}
	for _, arg := range a.args {
		var v types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(arg.name), &v)...)
		args[arg.name] = v.ValueString()
	}
	if a.client == nil {
		resp.Diagnostics.AddError("Provider not configured", errNotConfigured.Error())
	}
	if resp.Diagnostics.HasError() {
		return
	}
	progress := func(msg string) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: msg})
		}
	}
	progress(a.start(args) + "...")
	done, err := a.run(ctx, a.client, args)
	if err != nil {
		resp.Diagnostics.Append(a.errorDiags(err, args)...)
		return
	}
	progress(done + ".")
}

// errorDiags reports a failed call: the API's words, pointed at the
// argument they are about, and what the refusal means.
func (a *apiAction) errorDiags(err error, args map[string]string) diag.Diagnostics {
	diags := errorDiagsAt(a.start(args)+" failed", err, func(apiName string) (path.Path, bool) {
		for _, arg := range a.args {
			if arg.name == apiName || arg.name == apiName+"_id" {
				return path.Root(arg.name), true
			}
		}
		return path.Empty(), false
	})
	apiErr, ok := provisioning.AsAPIError(err)
	if !ok || a.refused == nil {
		return diags
	}
	hint := a.refused(apiErr.StatusCode, args)
	if hint == "" {
		return diags
	}
	out := make(diag.Diagnostics, 0, len(diags))
	for _, d := range diags {
		explained := diag.NewErrorDiagnostic(d.Summary(), hint+"\n\n"+d.Detail())
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			out = append(out, diag.WithPath(wp.Path(), explained))
			continue
		}
		out = append(out, explained)
	}
	return out
}
