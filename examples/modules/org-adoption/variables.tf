variable "organization_id" {
  description = "The ID of the organization to adopt, as `terraform query` or the clprovisioning_organization data source (by slug) gives it."
  type        = string
  validation {
    condition     = length(trimspace(var.organization_id)) > 0
    error_message = "organization_id must be the ID of an existing organization."
  }
}

# The rest is passed to the org-onboarding module as it is, which checks it:
# see its variables.tf for each one's shape.

variable "organization" {
  description = "As in org-onboarding: the organization's name, branding, support contacts and config. Attributes left out keep what the organization has only where the API keeps them (see the organization resource)."
  type        = any
}

variable "custom_roles" {
  description = "As in org-onboarding. Custom roles that exist under these names are adopted, with their permissions on the subjects listed."
  type        = any
  default     = {}
}

variable "profiles" {
  description = "As in org-onboarding. Membership profiles that exist under these names are adopted."
  type        = any
  default     = {}
}

variable "people" {
  description = "As in org-onboarding. Memberships that exist for these emails are adopted: the owner's (which every organization comes with) among them when the owner's email is listed."
  type        = any
  default     = {}
}

variable "applications" {
  description = "As in org-onboarding. API credentials that exist under these names are adopted, with the application memberships of the people and profiles listed."
  type        = any
  default     = {}
}
