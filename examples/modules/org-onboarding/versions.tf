terraform {
  required_version = ">= 1.8"
  required_providers {
    clprovisioning = {
      source = "clprovisioning/clprovisioning"
    }
  }
}
