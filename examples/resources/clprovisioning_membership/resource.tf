resource "clprovisioning_organization" "brand" {
  name = "The Blue Brand"
}

resource "clprovisioning_membership_profile" "warehouse" {
  organization_id = clprovisioning_organization.brand.id
  name            = "Warehouse"
}

# Invites ada@bluebrand.example with read-only access to live data and
# test data (test_enabled = true is access_scope = "all_access").
resource "clprovisioning_membership" "ada" {
  organization_id       = clprovisioning_organization.brand.id
  user_email            = "ada@bluebrand.example"
  role_id               = clprovisioning_organization.brand.read_only_role_id
  membership_profile_id = clprovisioning_membership_profile.warehouse.id
  test_enabled          = true

  # Change this value to e-mail the invitation again while it is pending.
  resend_invitation = "1"
}

# The profile's test access wins over the membership's own setting.
output "ada_can_use_test_data" {
  value = clprovisioning_membership.ada.effective_test_enabled
}
