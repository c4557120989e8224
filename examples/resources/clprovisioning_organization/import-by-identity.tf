import {
  to = clprovisioning_organization.brand
  identity = {
    id = "xYZkjABcde"
  }
}
