package provider

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Every example under examples/ is applied, so that none rots: resource
// examples on their own (apply, empty second plan, destroy), data-source
// examples against the objects of testdata/examples-fixture.tf.
func TestAccExamples(t *testing.T) {
	fixture := readFile(t, filepath.Join("testdata", "examples-fixture.tf"))
	resources, _ := filepath.Glob(filepath.Join("..", "..", "examples", "resources", "*", "resource.tf"))
	dataSources, _ := filepath.Glob(filepath.Join("..", "..", "examples", "data-sources", "*", "data-source.tf"))
	if len(resources) == 0 || len(dataSources) == 0 {
		t.Fatal("no examples found under ../../examples")
	}
	for _, f := range resources {
		example := readFile(t, f)
		t.Run("resources/"+filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			env := newTestEnv(t)
			if why := examplesNotForRealAPI[filepath.Base(filepath.Dir(f))]; why != "" {
				env.needSim(why)
			}
			env.test(resource.TestCase{Steps: []resource.TestStep{{Config: env.config("%s", example)}}})
		})
	}
	for _, f := range dataSources {
		example := readFile(t, f)
		t.Run("data-sources/"+filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			env := newTestEnv(t)
			env.needSim("the fixture creates organizations, which the real API cannot delete")
			env.test(resource.TestCase{Steps: []resource.TestStep{
				{Config: env.config("%s", fixture)},
				{Config: env.config("%s\n%s", fixture, example)},
			}})
		})
	}
}

// examplesNotForRealAPI are the resource examples a real account cannot
// take, and why.
var examplesNotForRealAPI = map[string]string{
	"clprovisioning_role":       "creates a custom role, which the API cannot delete",
	"clprovisioning_permission": "creates a custom role and a permission, which the API cannot delete",
	"clprovisioning_user":       "changes the signed-in user's profile, which no sweep can restore",
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
