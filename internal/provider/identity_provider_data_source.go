package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewIdentityProviderDataSource finds one identity provider by id or name.
func NewIdentityProviderDataSource() datasource.DataSource {
	return &objectDataSource[identityProviderModel]{
		entity: identityProviderDataEntity,
		description: "Looks up one identity provider by `id` or by `name`. Its `client_secret` is the value the API " +
			"returns: in clear as the API documentation shows it, or masked should the API mask it.",
	}
}

// NewIdentityProvidersDataSource lists identity providers.
func NewIdentityProvidersDataSource() datasource.DataSource {
	return &listDataSource[identityProviderModel]{
		entity:      identityProviderDataEntity,
		description: "Lists identity providers, optionally only the one with a name or those with a verification status.",
	}
}
