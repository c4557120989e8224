package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewAPICredentialDataSource finds one API credential by id, or by organization and name.
func NewAPICredentialDataSource() datasource.DataSource {
	return &objectDataSource[apiCredentialModel]{
		entity: apiCredentialEntity,
		description: "Looks up one API credential by `id`, or by `name` (usually together with `organization_id`). " +
			"Its `client_secret` is sensitive.",
	}
}

// NewAPICredentialsDataSource lists API credentials.
func NewAPICredentialsDataSource() datasource.DataSource {
	return &listDataSource[apiCredentialModel]{
		entity:      apiCredentialEntity,
		description: "Lists API credentials, optionally narrowed by organization, role, kind, mode or name.",
	}
}
