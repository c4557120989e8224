# An organization is imported by its ID.
terraform import clprovisioning_organization.brand <organization-id>
