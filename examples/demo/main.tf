# What `make demo` applies against the simulator: an organization, a custom
# role with permissions, and data-source lookups of what the API created.
terraform {
  required_providers {
    clprovisioning = {
      source = "clprovisioning/clprovisioning"
    }
  }
}

provider "clprovisioning" {}

resource "clprovisioning_organization" "brand" {
  name          = "The Blue Brand"
  support_email = "support@bluebrand.example"
  primary_color = "#1E3A8A"
  metadata = {
    owner = "platform-team"
  }
  config = jsonencode({
    mfe = {
      default = {
        links = { checkout = "https://checkout.bluebrand.example/:order_id?accessToken=:access_token" }
      }
    }
  })
}

resource "clprovisioning_role" "fulfilment" {
  organization_id = clprovisioning_organization.brand.id
  name            = "Fulfilment"
}

locals {
  fulfilment_rights = {
    orders    = { read = true, update = true }
    shipments = { create = true, read = true, update = true }
    skus      = { read = true }
  }
}

resource "clprovisioning_permission" "fulfilment" {
  for_each = local.fulfilment_rights

  role_id    = clprovisioning_role.fulfilment.id
  subject    = each.key
  can_create = lookup(each.value, "create", false)
  can_read   = lookup(each.value, "read", false)
  can_update = lookup(each.value, "update", false)
}

# The built-in roles every organization gets.
data "clprovisioning_role" "admin" {
  organization_id = clprovisioning_organization.brand.id
  kind            = "admin"
}

data "clprovisioning_roles" "all" {
  organization_id = clprovisioning_organization.brand.id
  depends_on      = [clprovisioning_role.fulfilment]
}

output "organization" {
  value = {
    id     = clprovisioning_organization.brand.id
    slug   = clprovisioning_organization.brand.slug
    domain = clprovisioning_organization.brand.domain
    region = clprovisioning_organization.brand.region
  }
}

output "roles" {
  value = { for r in data.clprovisioning_roles.all.items : r.name => { id = r.id, kind = r.kind } }
}

output "admin_role_id" {
  value = data.clprovisioning_role.admin.id
}

output "fulfilment_permissions" {
  value = { for k, p in clprovisioning_permission.fulfilment : k => [for r in ["create", "read", "update", "destroy"] : r if p["can_${r}"]] }
}
