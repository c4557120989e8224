data "clprovisioning_permissions" "fulfilment" {
  role_id = "<role-id>"
}

output "fulfilment_rights" {
  value = {
    for p in data.clprovisioning_permissions.fulfilment.items :
    p.subject => { create = p.can_create, read = p.can_read, update = p.can_update, destroy = p.can_destroy }
  }
}
