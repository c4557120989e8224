# The membership profiles (groups) of an organization.
list "clprovisioning_membership_profile" "brand" {
  provider = clprovisioning

  config {
    organization_id = "xYZkjABcde"
  }
}
