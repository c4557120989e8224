# The user the provider signs in as.
data "clprovisioning_user" "me" {}

output "signed_in_as" {
  value = data.clprovisioning_user.me.email
}
