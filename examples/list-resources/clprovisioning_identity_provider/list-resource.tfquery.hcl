# Every identity provider the credentials can see. Results never carry
# the client secret.
list "clprovisioning_identity_provider" "all" {
  provider = clprovisioning
}

# One, by name.
list "clprovisioning_identity_provider" "sso" {
  provider = clprovisioning

  config {
    name = "the-blue-brand-sso"
  }
}
