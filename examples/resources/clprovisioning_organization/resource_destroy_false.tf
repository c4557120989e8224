# Terraform 1.16 and later (and OpenTofu 1.12 and later): say in the plan
# that an organization is never destroyed. The API cannot delete
# organizations; with `destroy = false`, `terraform destroy` (or removing the
# block) plans "will no longer be managed by Terraform, but will not be
# destroyed" instead of a destroy that the provider turns into the same thing
# with a warning, and a replacement (a new `region`) says that the old
# organization stays.
resource "clprovisioning_organization" "brand" {
  name          = "The Blue Brand"
  support_email = "support@bluebrand.example"

  lifecycle {
    destroy = false
  }
}
