# Identity providers whose domains are not verified yet.
data "clprovisioning_identity_providers" "pending" {
  status = "pending"
}

output "domains_to_verify" {
  value = { for idp in data.clprovisioning_identity_providers.pending.items : idp.name => idp.domains }
}
