# Credentials come from Dashboard › profile › Provisioning API. Prefer the
# environment variables CLPROVISIONING_CLIENT_ID and CLPROVISIONING_CLIENT_SECRET
# to keep them out of the configuration.
provider "clprovisioning" {
  client_id     = var.client_id
  client_secret = var.client_secret
}

variable "client_id" {
  type = string
}

variable "client_secret" {
  type      = string
  sensitive = true
}
