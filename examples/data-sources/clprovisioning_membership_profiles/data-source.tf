data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

data "clprovisioning_membership_profiles" "all" {
  organization_id = data.clprovisioning_organization.brand.id
}

output "profile_ids" {
  value = { for p in data.clprovisioning_membership_profiles.all.items : p.name => p.id }
}
