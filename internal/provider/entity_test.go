package provider

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// everyEntity gives the facts of every resource built on the generic
// mechanism, as the provider registers them.
func everyEntity(t *testing.T) []entityFacts {
	t.Helper()
	var out []entityFacts
	for _, newResource := range New("test")().Resources(context.Background()) {
		if r, ok := newResource().(interface{ facts() entityFacts }); ok {
			out = append(out, r.facts())
		}
	}
	if len(out) < 9 {
		t.Fatalf("found %d generic resources, want the 9 entities", len(out))
	}
	return out
}

// Every declared fact names attributes the schema has, with the right role,
// so that a typo fails here rather than panicking at plan time.
func TestEntityFactsMatchSchema(t *testing.T) {
	for _, e := range everyEntity(t) {
		t.Run(e.name, func(t *testing.T) {
			for name, deps := range e.derived {
				a, ok := e.attributes[name]
				if !ok || !a.IsComputed() || a.IsOptional() || a.IsRequired() {
					t.Errorf("derived %q: not a computed-only attribute of the schema", name)
				}
				for _, d := range deps {
					if d == anyChange {
						continue
					}
					if _, ok := e.attributes[d]; !ok {
						t.Errorf("derived %q depends on %q, which the schema lacks", name, d)
					}
				}
			}
			for name, version := range e.writeOnly {
				if a, ok := e.attributes[name].(schema.StringAttribute); !ok || !a.WriteOnly {
					t.Errorf("writeOnly %q: not a write-only string attribute", name)
				}
				if _, ok := e.attributes[version]; !ok {
					t.Errorf("writeOnly %q is versioned by %q, which the schema lacks", name, version)
				}
			}
			for _, f := range e.filters {
				if f.key {
					if _, ok := e.attributes[f.name]; !ok {
						t.Errorf("lookup key %q is not an attribute of the schema", f.name)
					}
				}
				if f.description == "" || f.filter != "" && !strings.Contains(f.filter, "_") {
					t.Errorf("filter %q: needs a description and an API predicate, got %q", f.name, f.filter)
				}
			}
			for _, k := range e.naturalKey {
				if schemaAttributeFor(k.api, e.attributes) == "" {
					t.Errorf("natural key part %q maps to no attribute", k.api)
				}
			}
		})
	}
}

// What a PATCH never carries is derived from RequiresReplace in the schema;
// this pins it for every entity, so a schema change that makes an attribute
// create-only (or no longer) is a visible decision.
func TestCreateOnlyFollowsRequiresReplace(t *testing.T) {
	want := map[string][]string{
		"organization":           {"region"},
		"role":                   {"organization"},
		"permission":             {"role", "subject"},
		"membership":             {"organization", "user_email"},
		"membership_profile":     {"organization"},
		"api_credential":         {"custom", "kind", "mode", "organization"},
		"application_membership": {"api_credential", "membership", "organization"},
		"identity_provider":      nil,
		"user":                   nil,
	}
	for _, e := range everyEntity(t) {
		var got []string
		for name := range e.attributes {
			api := strings.TrimSuffix(name, "_id")
			if e.createOnly(api) {
				got = append(got, api)
			}
		}
		if strings.Join(sortedStrings(got), ",") != strings.Join(want[e.name], ",") {
			t.Errorf("%s: create-only %v, want %v", e.name, sortedStrings(got), want[e.name])
		}
	}
}

func sortedStrings(s []string) []string { slices.Sort(s); return s }

// writingWords are what a description says about writing an attribute,
// which means nothing on a data source. Wider than what readOnlyDescription
// drops, so that a new phrasing of a resource-only sentence fails here
// instead of leaking into the data sources' docs.
var writingWords = regexp.MustCompile(`(?i)\b(chang(e|es|ing) (it|the|them)|remov(e|es|ing) (it|the|them)|replaces? the|clears? (it|them|the)|cleared|defaults? to|when (not set|omitted|unset|neither)|left as (it|they) (is|are)|import (with|it)|next apply|setting it|set it|unset)\b`)

// Every data source attribute is described without what only writing means.
func TestDataSourceDescriptionsSayNothingOfWriting(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	for _, newDataSource := range p.DataSources(ctx) {
		ds := newDataSource()
		var meta datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "clprovisioning"}, &meta)
		var resp datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
		var walk func(prefix string, attrs map[string]dschema.Attribute)
		walk = func(prefix string, attrs map[string]dschema.Attribute) {
			for name, a := range attrs {
				if a.IsOptional() || a.IsRequired() {
					continue // an argument of the data source says how to use it
				}
				if strings.TrimSpace(a.GetMarkdownDescription()) == "" {
					t.Errorf("%s: %s%s has no description left", meta.TypeName, prefix, name)
				}
				if m := writingWords.FindString(a.GetMarkdownDescription()); m != "" {
					t.Errorf("%s: %s%s says %q: %s", meta.TypeName, prefix, name, m, a.GetMarkdownDescription())
				}
				switch n := a.(type) {
				case dschema.SingleNestedAttribute:
					walk(prefix+name+".", n.Attributes)
				case dschema.ListNestedAttribute:
					walk(prefix+name+".", n.NestedObject.Attributes)
				}
			}
		}
		walk("", resp.Schema.Attributes)
	}
}
