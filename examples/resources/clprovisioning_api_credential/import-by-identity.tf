import {
  to = clprovisioning_api_credential.erp
  identity = {
    id = "xYZkjABcde"
  }
}
