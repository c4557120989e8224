resource "clprovisioning_organization" "brand" {
  name = "The Blue Brand"
}

resource "clprovisioning_membership" "ada" {
  organization_id = clprovisioning_organization.brand.id
  user_email      = "ada@bluebrand.example"
  role_id         = clprovisioning_organization.brand.read_only_role_id
}

resource "clprovisioning_membership_profile" "warehouse" {
  organization_id = clprovisioning_organization.brand.id
  name            = "Warehouse"
}

# The Orders app of the Dashboard.
resource "clprovisioning_api_credential" "orders" {
  organization_id = clprovisioning_organization.brand.id
  name            = "Orders"
  kind            = "orders"
}

# Ada may use the Orders app read-only, for the placed orders of two markets.
resource "clprovisioning_application_membership" "ada_orders" {
  organization_id   = clprovisioning_organization.brand.id
  api_credential_id = clprovisioning_api_credential.orders.id
  membership_id     = clprovisioning_membership.ada.id
  role_id           = clprovisioning_organization.brand.read_only_role_id

  filters = {
    market_id_in = [202, 203]
    status_eq    = "placed"
  }
}

# Everyone in the Warehouse profile gets full access to the Orders app.
resource "clprovisioning_application_membership" "warehouse_orders" {
  organization_id       = clprovisioning_organization.brand.id
  api_credential_id     = clprovisioning_api_credential.orders.id
  membership_profile_id = clprovisioning_membership_profile.warehouse.id
  role_id               = clprovisioning_organization.brand.admin_role_id
}
