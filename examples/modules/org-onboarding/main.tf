locals {
  org = var.organization

  # Roles by name: the two built-in ones and the custom ones.
  role_ids = merge(
    {
      admin     = clprovisioning_organization.this.admin_role_id
      read_only = clprovisioning_organization.this.read_only_role_id
    },
    { for name, role in clprovisioning_role.custom : name => role.id },
  )
  role_names = concat(["admin", "read_only"], keys(var.custom_roles))

  permissions = merge([
    for role, subjects in var.custom_roles : {
      for subject, rights in subjects : "${role}/${subject}" => merge(rights, { role = role, subject = subject })
    }
  ]...)

  # One application membership per (application, person or profile).
  grants = merge(
    merge([
      for app, a in var.applications : {
        for email, g in try(a.people, {}) : "${app}/people/${email}" => {
          app = app, email = email, profile = null, role = g.role, filters = try(g.filters, null)
        }
      }
    ]...),
    merge([
      for app, a in var.applications : {
        for profile, g in try(a.profiles, {}) : "${app}/profiles/${profile}" => {
          app = app, email = null, profile = profile, role = g.role, filters = try(g.filters, null)
        }
      }
    ]...),
  )
}

resource "clprovisioning_organization" "this" {
  name           = local.org.name
  region         = local.org.region
  support_email  = local.org.support_email
  support_phone  = local.org.support_phone
  logo_url       = local.org.logo_url
  favicon_url    = local.org.favicon_url
  primary_color  = local.org.primary_color
  contrast_color = local.org.contrast_color
  gtm_id         = local.org.gtm_id
  gtm_id_test    = local.org.gtm_id_test
  config         = local.org.config == null ? null : jsonencode(local.org.config)
  metadata       = local.org.metadata
}

resource "clprovisioning_role" "custom" {
  for_each        = var.custom_roles
  organization_id = clprovisioning_organization.this.id
  name            = each.key
}

resource "clprovisioning_permission" "custom" {
  for_each    = local.permissions
  role_id     = clprovisioning_role.custom[each.value.role].id
  subject     = each.value.subject
  can_create  = each.value.create
  can_read    = each.value.read
  can_update  = each.value.update
  can_destroy = each.value.destroy
}

resource "clprovisioning_membership_profile" "this" {
  for_each        = var.profiles
  organization_id = clprovisioning_organization.this.id
  name            = each.key
  test_enabled    = each.value.test_enabled
  access_scope    = each.value.access_scope
}

resource "clprovisioning_membership" "this" {
  for_each              = var.people
  organization_id       = clprovisioning_organization.this.id
  user_email            = each.key
  role_id               = local.role_ids[each.value.role]
  membership_profile_id = each.value.profile == null ? null : clprovisioning_membership_profile.this[each.value.profile].id
  test_enabled          = each.value.test_enabled
  access_scope          = each.value.access_scope

  lifecycle {
    precondition {
      condition     = contains(local.role_names, each.value.role)
      error_message = "people[\"${each.key}\"]: unknown role \"${each.value.role}\"; use admin, read_only or one of custom_roles (${join(", ", keys(var.custom_roles))})."
    }
    precondition {
      condition     = each.value.profile == null || contains(keys(var.profiles), coalesce(each.value.profile, "-"))
      error_message = "people[\"${each.key}\"]: unknown profile \"${coalesce(each.value.profile, "-")}\"; declare it in profiles."
    }
  }
}

resource "clprovisioning_api_credential" "this" {
  for_each        = var.applications
  organization_id = clprovisioning_organization.this.id
  name            = each.key
  kind            = each.value.kind
  mode            = try(each.value.mode, null)
  role_id         = try(each.value.role, null) == null ? null : local.role_ids[each.value.role]
  redirect_uri    = try(each.value.redirect_uri, null)
  expires_in      = try(each.value.expires_in, null)

  lifecycle {
    precondition {
      condition     = try(each.value.role, null) == null || contains(local.role_names, try(each.value.role, ""))
      error_message = "applications[\"${each.key}\"]: unknown role \"${try(each.value.role, "")}\"; use admin, read_only or one of custom_roles."
    }
  }
}

resource "clprovisioning_application_membership" "this" {
  for_each              = local.grants
  organization_id       = clprovisioning_organization.this.id
  api_credential_id     = clprovisioning_api_credential.this[each.value.app].id
  role_id               = local.role_ids[each.value.role]
  membership_id         = each.value.email == null ? null : clprovisioning_membership.this[each.value.email].id
  membership_profile_id = each.value.profile == null ? null : clprovisioning_membership_profile.this[each.value.profile].id
  filters               = each.value.filters

  lifecycle {
    precondition {
      condition     = contains(local.role_names, each.value.role)
      error_message = "applications: grant ${each.key} has unknown role \"${each.value.role}\"; use admin, read_only or one of custom_roles."
    }
    precondition {
      condition     = each.value.email == null || contains(keys(var.people), coalesce(each.value.email, "-"))
      error_message = "applications: grant ${each.key} names a person who is not in people."
    }
    precondition {
      condition     = each.value.profile == null || contains(keys(var.profiles), coalesce(each.value.profile, "-"))
      error_message = "applications: grant ${each.key} names a profile that is not in profiles."
    }
  }
}
