# A role is imported by its ID.
terraform import clprovisioning_role.fulfilment <role-id>
