resource "clprovisioning_organization" "brand" {
  name = "The Blue Brand"
}

# People in this profile may use test data as well as live data.
resource "clprovisioning_membership_profile" "qa" {
  organization_id = clprovisioning_organization.brand.id
  name            = "QA"
  test_enabled    = true
}

# The same, written as the API's access scope.
resource "clprovisioning_membership_profile" "qa_only" {
  organization_id = clprovisioning_organization.brand.id
  name            = "QA (test data only)"
  access_scope    = "test_access"
}
