import {
  to = clprovisioning_permission.orders
  identity = {
    id = "xYZkjABcde"
  }
}
