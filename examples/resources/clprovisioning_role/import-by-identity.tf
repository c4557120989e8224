import {
  to = clprovisioning_role.fulfilment
  identity = {
    id = "xYZkjABcde"
  }
}
