data "clprovisioning_organization" "brand" {
  slug = "the-blue-brand"
}

# Invitations not accepted yet.
data "clprovisioning_memberships" "pending" {
  organization_id = data.clprovisioning_organization.brand.id
  status          = "pending"
}

# Everyone with an address at bluebrand.example.
data "clprovisioning_memberships" "staff" {
  organization_id     = data.clprovisioning_organization.brand.id
  user_email_contains = "@bluebrand.example"
}

output "pending_invitations" {
  value = [for m in data.clprovisioning_memberships.pending.items : m.user_email]
}
