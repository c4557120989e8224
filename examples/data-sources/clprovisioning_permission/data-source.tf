data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

data "clprovisioning_role" "fulfilment" {
  organization_id = data.clprovisioning_organization.brand.id
  name            = "Fulfilment"
}

data "clprovisioning_permission" "orders" {
  role_id = data.clprovisioning_role.fulfilment.id
  subject = "orders"
}

output "fulfilment_can_update_orders" {
  value = data.clprovisioning_permission.orders.can_update
}
