data "clprovisioning_identity_provider" "sso" {
  name = "bluebrand-sso"
}

output "sso_status" {
  value = data.clprovisioning_identity_provider.sso.status
}

output "sso_txt_record" {
  value = data.clprovisioning_identity_provider.sso.txt_record
}
