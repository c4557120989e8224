# A membership is imported by its ID.
terraform import clprovisioning_membership.ada <membership-id>
