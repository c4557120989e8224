data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

output "brand_domain" {
  value = data.clprovisioning_organization.brand.domain
}
