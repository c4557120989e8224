# Who may use which application in an organization, shown as
# "<application>: <e-mail or profile>".
list "clprovisioning_application_membership" "brand" {
  provider = clprovisioning

  config {
    organization_id = "xYZkjABcde"
  }
}
