terraform {
  # import blocks inside a module: Terraform 1.16 and later. Older versions and
  # OpenTofu accept them only in the root module and refuse this module.
  required_version = ">= 1.16"
  required_providers {
    clprovisioning = {
      source = "clprovisioning/clprovisioning"
    }
  }
}
