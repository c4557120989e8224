resource "clprovisioning_organization" "brand" {
  name = "The Blue Brand"
}

resource "clprovisioning_membership" "linus" {
  organization_id = clprovisioning_organization.brand.id
  user_email      = "linus@bluebrand.example"
  role_id         = clprovisioning_organization.brand.read_only_role_id

  # Terraform 1.16 and later: once Linus has accepted the invitation there is
  # none to re-send, and the API refuses. `on_failure = continue` turns that
  # refusal into a warning, so the update that triggered it still applies
  # cleanly. (The default, `halt`, fails the apply; so does `taint`, which
  # also marks the resource for replacement when the event was after_create.)
  lifecycle {
    action_trigger {
      events     = [after_update]
      actions    = [action.clprovisioning_membership_resend_invitation.linus]
      on_failure = continue
    }
  }
}

action "clprovisioning_membership_resend_invitation" "linus" {
  config {
    membership_id = caller.id
  }
}
