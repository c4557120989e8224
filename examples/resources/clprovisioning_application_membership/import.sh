# An application membership is imported by its ID.
terraform import clprovisioning_application_membership.ada_orders <application-membership-id>
