# A permission is imported by its ID.
terraform import clprovisioning_permission.orders <permission-id>
