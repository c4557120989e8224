data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

data "clprovisioning_api_credential" "back_office" {
  organization_id = data.clprovisioning_organization.brand.id
  name            = "Back office sync"
}

# Who may use the back-office application, and with which filters.
data "clprovisioning_application_memberships" "back_office" {
  api_credential_id = data.clprovisioning_api_credential.back_office.id
}

output "back_office_access" {
  value = [
    for am in data.clprovisioning_application_memberships.back_office.items : {
      membership_id         = am.membership_id
      membership_profile_id = am.membership_profile_id
      role_id               = am.role_id
      filters               = am.filters
    }
  ]
}
