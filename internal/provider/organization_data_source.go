package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewOrganizationDataSource finds one organization by id, slug or name.
func NewOrganizationDataSource() datasource.DataSource {
	return &objectDataSource[organizationModel]{
		entity: organizationEntity,
		description: "Looks up one organization you are a member of, by `id`, `slug` or `name` " +
			"(a lookup by name fails when several organizations share it).",
	}
}

// NewOrganizationsDataSource lists organizations.
func NewOrganizationsDataSource() datasource.DataSource {
	return &listDataSource[organizationModel]{
		entity:      organizationEntity,
		description: "Lists the organizations you are a member of, optionally filtered.",
	}
}
