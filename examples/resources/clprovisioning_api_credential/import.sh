# An API credential is imported by its ID.
terraform import clprovisioning_api_credential.erp <api-credential-id>
