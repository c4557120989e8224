# Every organization the credentials can see.
list "clprovisioning_organization" "all" {
  provider = clprovisioning
}

# One organization, by slug, with the whole object.
list "clprovisioning_organization" "brand" {
  provider         = clprovisioning
  include_resource = true

  config {
    slug = "the-blue-brand"
  }
}
