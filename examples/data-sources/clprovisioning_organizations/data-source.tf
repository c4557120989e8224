data "clprovisioning_organizations" "eu" {
  region = "eu-west-1"
}

output "eu_organization_slugs" {
  value = [for o in data.clprovisioning_organizations.eu.items : o.slug]
}
