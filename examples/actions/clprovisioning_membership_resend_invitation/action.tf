resource "clprovisioning_organization" "brand" {
  name = "The Blue Brand"
}

resource "clprovisioning_membership" "ada" {
  organization_id = clprovisioning_organization.brand.id
  user_email      = "ada@bluebrand.example"
  role_id         = clprovisioning_organization.brand.read_only_role_id

  # E-mail the invitation again whenever the membership changes...
  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.clprovisioning_membership_resend_invitation.ada]
    }
  }
}

# ...or at any time, with no change to the configuration:
#
#   terraform apply -invoke=action.clprovisioning_membership_resend_invitation.ada
action "clprovisioning_membership_resend_invitation" "ada" {
  config {
    # `caller` is the resource whose action_trigger runs the action (Terraform
    # 1.16 and later, which refuses `clprovisioning_membership.ada.id` here as a
    # cycle; Terraform 1.14 and 1.15 have no `caller` and take that reference).
    membership_id = caller.id
  }
}
