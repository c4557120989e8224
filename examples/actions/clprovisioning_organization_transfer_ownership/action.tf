resource "clprovisioning_organization" "brand" {
  name = "The Blue Brand"
}

resource "clprovisioning_membership" "grace" {
  organization_id = clprovisioning_organization.brand.id
  user_email      = "grace@bluebrand.example"
  role_id         = clprovisioning_organization.brand.admin_role_id
}

# Once Grace is a member (her invitation accepted), hand her the
# organization:
#
#   terraform apply -invoke=action.clprovisioning_organization_transfer_ownership.to_grace
action "clprovisioning_organization_transfer_ownership" "to_grace" {
  config {
    organization_id = clprovisioning_organization.brand.id
    new_owner_email = clprovisioning_membership.grace.user_email
  }
}
