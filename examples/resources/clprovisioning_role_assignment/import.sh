# A role assignment is imported by <api_credential_id>/<role_id>/<entity_type>
# (entity_type: membership or membership_profile). It adopts every application
# membership of that application with that role for that type of entity.
terraform import clprovisioning_role_assignment.support_orders <api-credential-id>/<role-id>/membership
