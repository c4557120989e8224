# The permissions of every role of an organization, shown as
# "<role>: <subject>".
list "clprovisioning_permission" "brand" {
  provider = clprovisioning

  config {
    organization_id = "xYZkjABcde"
  }
}

# Who may touch orders.
list "clprovisioning_permission" "orders" {
  provider = clprovisioning

  config {
    organization_id = "xYZkjABcde"
    subject         = "orders"
  }
}
