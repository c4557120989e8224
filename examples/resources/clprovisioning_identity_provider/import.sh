# An identity provider is imported by its ID. The API returns client_secret
# masked: the first apply after the import sends the configured secret again.
terraform import clprovisioning_identity_provider.sso <identity-provider-id>
