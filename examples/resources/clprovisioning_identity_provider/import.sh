# An identity provider is imported by its ID, client_secret included as the
# API returns it (in clear, as its documentation shows; should it come back
# masked, the first apply after the import sends the configured secret again).
terraform import clprovisioning_identity_provider.sso <identity-provider-id>
