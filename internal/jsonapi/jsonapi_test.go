package jsonapi

import (
	"encoding/json"
	"testing"
)

func TestResourceAlwaysHasAttributes(t *testing.T) {
	for _, r := range []Resource{
		{Type: "roles", ID: "1"},
		{Type: "roles", ID: "1", Attributes: map[string]any{}},
		{Type: "roles", ID: "1", Attributes: map[string]any{"name": nil}},
	} {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if _, ok := back["attributes"].(map[string]any); !ok {
			t.Errorf("%s: no attributes object", b)
		}
		if back["type"] != "roles" || back["id"] != "1" {
			t.Errorf("%s: type or id lost", b)
		}
	}
}
