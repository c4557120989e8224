# The applications of an organization. Results never carry a client
# secret; an import reads it (see store_client_secret).
list "clprovisioning_api_credential" "brand" {
  provider = clprovisioning

  config {
    organization_id = "xYZkjABcde"
  }
}

# The two credentials every organization comes with.
list "clprovisioning_api_credential" "resources" {
  provider = clprovisioning

  config {
    organization_id = "xYZkjABcde"
    kind            = "resources"
  }
}
