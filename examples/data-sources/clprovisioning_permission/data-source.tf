data "clprovisioning_permission" "orders" {
  role_id = "<role-id>"
  subject = "orders"
}

output "fulfilment_can_update_orders" {
  value = data.clprovisioning_permission.orders.can_update
}
