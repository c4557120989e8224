resource "clprovisioning_organization" "brand" {
  name = "The Blue Brand"
}

resource "clprovisioning_membership" "support" {
  count           = 2
  organization_id = clprovisioning_organization.brand.id
  user_email      = ["ada@bluebrand.example", "grace@bluebrand.example"][count.index]
  role_id         = clprovisioning_organization.brand.read_only_role_id
}

resource "clprovisioning_api_credential" "orders" {
  organization_id = clprovisioning_organization.brand.id
  name            = "Orders"
  kind            = "orders"
}

# Read-only access to the Orders app, for placed orders of two markets, for
# everyone in the support team. Removing an email revokes their access.
resource "clprovisioning_role_assignment" "support_orders" {
  api_credential_id = clprovisioning_api_credential.orders.id
  role_id           = clprovisioning_organization.brand.read_only_role_id
  entity_type       = "membership"
  entity_ids        = clprovisioning_membership.support[*].id
  filters = {
    market_id_in = [202, 203]
    status_eq    = "placed"
  }
}
