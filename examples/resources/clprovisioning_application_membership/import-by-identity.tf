import {
  to = clprovisioning_application_membership.ada_orders
  identity = {
    id = "xYZkjABcde"
  }
}
