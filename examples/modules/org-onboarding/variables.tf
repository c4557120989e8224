variable "organization" {
  description = "The organization: its name, branding, support contacts and config (any object; it is sent as JSON)."
  type = object({
    name           = string
    region         = optional(string)
    support_email  = optional(string)
    support_phone  = optional(string)
    logo_url       = optional(string)
    favicon_url    = optional(string)
    primary_color  = optional(string)
    contrast_color = optional(string)
    gtm_id         = optional(string)
    gtm_id_test    = optional(string)
    config         = optional(any)
    metadata       = optional(map(string))
  })
  validation {
    condition     = length(trimspace(var.organization.name)) > 0
    error_message = "organization.name must not be empty."
  }
  validation {
    condition = alltrue([
      for c in [var.organization.primary_color, var.organization.contrast_color] : c == null || can(regex("^#[0-9A-Fa-f]{6}$", c))
    ])
    error_message = "organization.primary_color and organization.contrast_color must be HEX colours such as \"#1E3A8A\"."
  }
  validation {
    condition     = var.organization.support_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.organization.support_email))
    error_message = "organization.support_email must be an email address."
  }
}

variable "custom_roles" {
  description = "Custom roles (Enterprise plans), by name: for each, the rights per Core API subject, e.g. { Fulfilment = { orders = { read = true, update = true } } }. Rights left out are false."
  type = map(map(object({
    create  = optional(bool, false)
    read    = optional(bool, false)
    update  = optional(bool, false)
    destroy = optional(bool, false)
  })))
  default = {}
  validation {
    condition     = alltrue([for name in keys(var.custom_roles) : !contains(["admin", "read_only"], name)])
    error_message = "custom_roles: \"admin\" and \"read_only\" are the built-in roles; give custom roles other names."
  }
}

variable "profiles" {
  description = "Membership profiles (groups of people), by name, with their test access: test_enabled or access_scope (live_access, test_access, all_access)."
  type = map(object({
    test_enabled = optional(bool)
    access_scope = optional(string)
  }))
  default = {}
  validation {
    condition     = alltrue([for p in values(var.profiles) : contains(["live_access", "test_access", "all_access"], coalesce(p.access_scope, "live_access"))])
    error_message = "profiles: access_scope must be live_access, test_access or all_access."
  }
}

variable "people" {
  description = "People, by email: their role (\"admin\", \"read_only\" or the name of a custom role), optional profile (by name) and test access."
  type = map(object({
    role         = string
    profile      = optional(string)
    test_enabled = optional(bool)
    access_scope = optional(string)
  }))
  default = {}
  validation {
    condition     = alltrue([for email in keys(var.people) : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "people: every key must be an email address such as jane@example.com."
  }
}

# Typed as any: the filters of different grants have different shapes, which
# a single object type cannot hold.
variable "applications" {
  description = <<-EOT
    API credentials, by name. Each is an object:
      kind         (required) sales_channel, integration, webapp or a Dashboard app kind such as orders
      mode         optional: test or live
      role         integrations only (required there): admin, read_only or a custom role name
      redirect_uri optional
      expires_in   optional, seconds (7200..31536000)
      people       optional: { "<email>" = { role = "...", filters = { ... } } } — who may use the app
      profiles     optional: { "<profile name>" = { role = "...", filters = { ... } } }
  EOT
  type        = any
  default     = {}
  validation {
    condition     = alltrue([for a in values(var.applications) : can(tostring(a.kind))])
    error_message = "applications: every application needs a kind, e.g. kind = \"sales_channel\"."
  }
  validation {
    condition = alltrue([
      for a in values(var.applications) : !contains(["sales_channel", "webapp"], a.kind) || try(a.role, null) == null
    ])
    error_message = "applications: a sales_channel or webapp application cannot have a role; only integrations take one."
  }
  validation {
    condition     = alltrue([for a in values(var.applications) : a.kind != "integration" || try(a.role, null) != null])
    error_message = "applications: an integration needs a role (admin, read_only or a custom role name)."
  }
  validation {
    condition = alltrue(flatten([
      for a in values(var.applications) : [
        for g in concat(values(try(a.people, {})), values(try(a.profiles, {}))) : can(tostring(g.role))
      ]
    ]))
    error_message = "applications: every grant in people / profiles needs a role, e.g. { role = \"read_only\" }."
  }
}
