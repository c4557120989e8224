package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
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

type organizationsModel struct {
	Name         types.String `tfsdk:"name"`
	NameContains types.String `tfsdk:"name_contains"`
	Region       types.String `tfsdk:"region"`
	Items        types.List   `tfsdk:"items"`
}

// NewOrganizationsDataSource lists organizations.
func NewOrganizationsDataSource() datasource.DataSource {
	return &listDataSource[organizationModel, organizationsModel]{
		entity:      organizationEntity,
		name:        "organizations",
		description: "Lists the organizations you are a member of, optionally filtered.",
		args: map[string]dschema.Attribute{
			"name":          filterArgument("Only organizations with exactly this name."),
			"name_contains": filterArgument("Only organizations whose name contains this text."),
			"region":        filterArgument("Only organizations in this region."),
		},
		query: func(_ context.Context, f *organizationsModel) (string, provisioning.Query, diag.Diagnostics) {
			return "organizations", provisioning.Query{Filters: filters(
				"name_eq", f.Name, "name_cont", f.NameContains, "region_eq", f.Region,
			)}, nil
		},
		items: func(f *organizationsModel) *types.List { return &f.Items },
	}
}
