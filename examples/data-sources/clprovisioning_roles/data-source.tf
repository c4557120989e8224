data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

data "clprovisioning_roles" "custom" {
  organization_id = data.clprovisioning_organization.brand.id
  kind            = "custom"
}

output "custom_role_ids" {
  value = { for r in data.clprovisioning_roles.custom.items : r.name => r.id }
}
