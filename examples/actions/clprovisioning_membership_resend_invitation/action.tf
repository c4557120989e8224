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
    membership_id = clprovisioning_membership.ada.id
  }
}
