import {
  to = clprovisioning_identity_provider.sso
  identity = {
    id = "xYZkjABcde"
  }
}
