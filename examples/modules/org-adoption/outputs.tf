output "onboarding" {
  description = "Every output of the org-onboarding module (organization_id, organization_slug, role_ids, profile_ids, membership_ids, client_ids, client_secrets)."
  value       = module.onboarding
  sensitive   = true
}

output "organization_id" {
  description = "The organization's id."
  value       = module.onboarding.organization_id
}
