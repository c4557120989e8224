# The roles of an organization: the built-in admin and read_only roles and
# the custom ones.
list "clprovisioning_role" "brand" {
  provider = clprovisioning

  config {
    organization_id = "xYZkjABcde"
  }
}

# Only the custom roles.
list "clprovisioning_role" "custom" {
  provider = clprovisioning

  config {
    organization_id = "xYZkjABcde"
    kind            = "custom"
  }
}
