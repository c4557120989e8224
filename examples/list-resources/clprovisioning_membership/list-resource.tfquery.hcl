# Everyone in an organization, shown by e-mail; the owner's membership too.
list "clprovisioning_membership" "brand" {
  provider = clprovisioning

  config {
    organization_id = "xYZkjABcde"
  }
}

# The invitations not accepted yet, with the whole objects.
list "clprovisioning_membership" "pending" {
  provider         = clprovisioning
  include_resource = true

  config {
    organization_id = "xYZkjABcde"
    status          = "pending"
  }
}
