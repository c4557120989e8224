package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// NewOrganizationDataSource finds one organization by id, slug or name.
func NewOrganizationDataSource() datasource.DataSource {
	return &objectDataSource[organizationModel]{
		entity: organizationEntity,
		keys:   []string{"slug", "name"},
		description: "Looks up one organization you are a member of, by `id`, `slug` or `name` " +
			"(a lookup by name fails when several organizations share it).",
		find: func(_ context.Context, m *organizationModel) (lookup, diag.Diagnostics) {
			return findBy(m.ID, "organizations", []keyFilter{
				{"slug", m.Slug, "slug_eq"},
				{"name", m.Name, "name_eq"},
			})
		},
	}
}

// NewOrganizationsDataSource lists organizations.
func NewOrganizationsDataSource() datasource.DataSource {
	return &listDataSource[organizationModel]{
		entity:      organizationEntity,
		name:        "organizations",
		description: "Lists the organizations you are a member of, optionally filtered.",
		args: []listArg{
			{"name", "name_eq", "Only organizations with exactly this name."},
			{"name_contains", "name_cont", "Only organizations whose name contains this text."},
			{"region", "region_eq", "Only organizations in this region."},
		},
	}
}
