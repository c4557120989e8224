# What `make demo` applies against the simulator: a whole organization
# onboarded with the org-onboarding module — custom roles and permissions,
# groups, people, applications and who may use them.
terraform {
  required_providers {
    clprovisioning = {
      source = "clprovisioning/clprovisioning"
    }
  }
}

provider "clprovisioning" {}

module "blue_brand" {
  source = "../modules/org-onboarding"

  organization = {
    name          = "The Blue Brand"
    support_email = "support@bluebrand.example"
    primary_color = "#1E3A8A"
    metadata      = { owner = "platform-team" }
    config = {
      mfe = {
        default = {
          links = { checkout = "https://checkout.bluebrand.example/:order_id?accessToken=:access_token" }
        }
      }
    }
  }

  custom_roles = {
    Fulfilment = {
      orders    = { read = true, update = true }
      shipments = { create = true, read = true, update = true }
      skus      = { read = true }
    }
    Marketing = {
      promotions = { create = true, read = true, update = true, destroy = true }
    }
  }

  profiles = {
    Warehouse = {}
    QA        = { test_enabled = true }
  }

  people = {
    "ada@bluebrand.example"   = { role = "admin" }
    "bob@bluebrand.example"   = { role = "Fulfilment", profile = "Warehouse" }
    "grace@bluebrand.example" = { role = "read_only", profile = "QA" }
  }

  applications = {
    Storefront = { kind = "sales_channel" }
    "ERP sync" = { kind = "integration", role = "Fulfilment" }
    Orders = {
      kind   = "orders"
      people = { "ada@bluebrand.example" = { role = "admin" } }
      profiles = {
        Warehouse = { role = "read_only", filters = { market_id_in = [202, 203], status_eq = "placed" } }
        QA        = { role = "read_only" }
      }
    }
  }
}

output "organization" {
  value = {
    id   = module.blue_brand.organization_id
    slug = module.blue_brand.organization_slug
  }
}

# The built-in roles come with the organization: their ids are known from
# the create on, so a change elsewhere plans nothing here.
output "role_ids" {
  value = module.blue_brand.role_ids
}

output "membership_ids" {
  value = module.blue_brand.membership_ids
}

output "client_ids" {
  value = module.blue_brand.client_ids
}
