# Adopts an organization made in the Dashboard — and what it already holds
# under the names given below — into the org-onboarding module, which then
# manages it: what exists is imported (read, never written by the import),
# what does not is created, and from then on the organization is managed
# exactly as one the module created.
#
# Existing objects are found by the keys org-onboarding uses: custom roles,
# profiles and applications by name, people by email, permissions by role and
# subject, application memberships by application and person or profile.
# Anything the variables do not name stays out of Terraform, untouched. The
# built-in admin and read_only roles need no import: they come with the
# organization, and role names in the variables resolve to them.

data "clprovisioning_roles" "custom" {
  organization_id = var.organization_id
  kind            = "custom"
}

data "clprovisioning_permissions" "all" {
  organization_id = var.organization_id
}

data "clprovisioning_membership_profiles" "all" {
  organization_id = var.organization_id
}

data "clprovisioning_memberships" "all" {
  organization_id = var.organization_id
}

data "clprovisioning_api_credentials" "all" {
  organization_id = var.organization_id
}

data "clprovisioning_application_memberships" "all" {
  organization_id = var.organization_id
}

locals {
  # What exists, by name and by ID. Two objects of one type with the same name
  # stop the plan here ("Duplicate object key"): rename one in the Dashboard,
  # or import the one you mean with an import block of your own.
  role_ids      = { for r in data.clprovisioning_roles.custom.items : r.name => r.id }
  role_names    = { for r in data.clprovisioning_roles.custom.items : r.id => r.name }
  profile_ids   = { for p in data.clprovisioning_membership_profiles.all.items : p.name => p.id }
  profile_names = { for p in data.clprovisioning_membership_profiles.all.items : p.id => p.name }
  member_ids    = { for m in data.clprovisioning_memberships.all.items : m.user_email => m.id }
  member_emails = { for m in data.clprovisioning_memberships.all.items : m.id => m.user_email }
  app_ids       = { for a in data.clprovisioning_api_credentials.all.items : a.name => a.id }
  app_names     = { for a in data.clprovisioning_api_credentials.all.items : a.id => a.name }

  permission_ids = {
    for p in data.clprovisioning_permissions.all.items : "${local.role_names[p.role_id]}/${p.subject}" => p.id
    if contains(keys(local.role_names), p.role_id)
  }
  grant_ids = {
    for g in data.clprovisioning_application_memberships.all.items : (
      g.membership_id != null
      ? "${local.app_names[g.api_credential_id]}/people/${lookup(local.member_emails, g.membership_id, "-")}"
      : "${local.app_names[g.api_credential_id]}/profiles/${lookup(local.profile_names, coalesce(g.membership_profile_id, "-"), "-")}"
    ) => g.id
    if contains(keys(local.app_names), g.api_credential_id)
  }

  # What the variables ask for, under org-onboarding's keys.
  wanted_permissions = toset(flatten([
    for role, subjects in var.custom_roles : [for subject in keys(subjects) : "${role}/${subject}"]
  ]))
  wanted_grants = toset(flatten([
    for app, a in var.applications : concat(
      [for email in keys(try(a.people, {})) : "${app}/people/${email}"],
      [for profile in keys(try(a.profiles, {})) : "${app}/profiles/${profile}"],
    )
  ]))
}

module "onboarding" {
  source = "../org-onboarding"

  organization = var.organization
  custom_roles = var.custom_roles
  profiles     = var.profiles
  people       = var.people
  applications = var.applications
}

import {
  to = module.onboarding.clprovisioning_organization.this
  id = var.organization_id
}

import {
  for_each = { for name, id in local.role_ids : name => id if contains(keys(var.custom_roles), name) }
  to       = module.onboarding.clprovisioning_role.custom[each.key]
  id       = each.value
}

import {
  for_each = { for key, id in local.permission_ids : key => id if contains(local.wanted_permissions, key) }
  to       = module.onboarding.clprovisioning_permission.custom[each.key]
  id       = each.value
}

import {
  for_each = { for name, id in local.profile_ids : name => id if contains(keys(var.profiles), name) }
  to       = module.onboarding.clprovisioning_membership_profile.this[each.key]
  id       = each.value
}

import {
  for_each = { for email, id in local.member_ids : email => id if contains(keys(var.people), email) }
  to       = module.onboarding.clprovisioning_membership.this[each.key]
  id       = each.value
}

import {
  for_each = { for name, id in local.app_ids : name => id if contains(keys(var.applications), name) }
  to       = module.onboarding.clprovisioning_api_credential.this[each.key]
  id       = each.value
}

import {
  for_each = { for key, id in local.grant_ids : key => id if contains(local.wanted_grants, key) }
  to       = module.onboarding.clprovisioning_application_membership.this[each.key]
  id       = each.value
}
