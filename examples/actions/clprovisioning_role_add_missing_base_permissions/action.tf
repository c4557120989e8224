resource "clprovisioning_organization" "brand" {
  name = "The Blue Brand"
}

# A custom role (Enterprise plans) that gets the base permissions it lacks
# when it is created...
resource "clprovisioning_role" "fulfilment" {
  organization_id = clprovisioning_organization.brand.id
  name            = "Fulfilment"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.clprovisioning_role_add_missing_base_permissions.fulfilment]
    }
  }
}

# ...and again whenever Commerce Layer adds resources:
#
#   terraform apply -invoke=action.clprovisioning_role_add_missing_base_permissions.fulfilment
action "clprovisioning_role_add_missing_base_permissions" "fulfilment" {
  config {
    # The role whose trigger runs the action (Terraform 1.16; on 1.14 and 1.15,
    # clprovisioning_role.fulfilment.id).
    role_id = caller.id
  }
}
