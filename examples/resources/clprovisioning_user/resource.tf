# Adopts the user the provider signs in as; destroy only forgets it.
resource "clprovisioning_user" "me" {
  first_name = "Ada"
  last_name  = "Lovelace"
  time_zone  = "Europe/London"
}
