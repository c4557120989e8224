output "organization_id" {
  description = "The organization's id."
  value       = clprovisioning_organization.this.id
}

output "organization_slug" {
  description = "The organization's slug."
  value       = clprovisioning_organization.this.slug
}

output "role_ids" {
  description = "Role ids by name: admin, read_only and the custom roles."
  value       = local.role_ids
}

output "profile_ids" {
  description = "Membership profile ids by name."
  value       = { for name, p in clprovisioning_membership_profile.this : name => p.id }
}

output "membership_ids" {
  description = "Membership ids by email."
  value       = { for email, m in clprovisioning_membership.this : email => m.id }
}

output "client_ids" {
  description = "API credential client ids by application name."
  value       = { for name, a in clprovisioning_api_credential.this : name => a.client_id }
}

output "client_secrets" {
  description = "API credential client secrets by application name."
  value       = { for name, a in clprovisioning_api_credential.this : name => a.client_secret }
  sensitive   = true
}
