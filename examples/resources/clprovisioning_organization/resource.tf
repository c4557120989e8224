resource "clprovisioning_organization" "brand" {
  name          = "The Blue Brand"
  support_email = "support@bluebrand.example"
  support_phone = "+39 02 1234567"
  primary_color = "#1E3A8A"
  logo_url      = "https://bluebrand.example/logo.svg"
  region        = "eu-west-1" # create-only: changing it replaces the organization

  config = jsonencode({
    mfe = {
      default = {
        links = { checkout = "https://checkout.bluebrand.example/:order_id?accessToken=:access_token" }
      }
    }
  })

  metadata = {
    cost_center = "ecommerce"
  }
}
