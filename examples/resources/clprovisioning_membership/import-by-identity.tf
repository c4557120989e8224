import {
  to = clprovisioning_membership.ada
  identity = {
    id = "xYZkjABcde"
  }
}
