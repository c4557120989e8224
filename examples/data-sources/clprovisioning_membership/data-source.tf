data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

data "clprovisioning_membership" "ada" {
  organization_id = data.clprovisioning_organization.brand.id
  user_email      = "ada@bluebrand.example"
}

output "ada_status" {
  value = data.clprovisioning_membership.ada.status
}
