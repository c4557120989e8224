package contract

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// patchQuirks corrects, in memory, the places where the spec contradicts
// itself. Each patch takes the right answer from the spec's own content, so
// that no check gets looser than the spec means it to be.
func patchQuirks(doc *openapi3.T) error {
	rels := relationshipKinds(doc)
	if len(rels) == 0 {
		return fmt.Errorf("no has_one/has_many related endpoints: the relationship patches would not apply")
	}
	p := &patcher{rels: rels, done: map[*openapi3.Schema]bool{}}
	for path, item := range doc.Paths.Map() {
		collection, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					p.resource(collection, mt.Schema)
				}
			}
			for _, resp := range op.Responses.Map() {
				if resp.Value == nil {
					continue
				}
				for _, mt := range resp.Value.Content {
					p.resource(collection, mt.Schema)
				}
			}
		}
	}

	// POST /memberships/{id}/resend marks its body required but gives it no
	// schema; the docs send it empty. A body nothing describes cannot be
	// required, so an empty one is accepted.
	if item := doc.Paths.Value("/memberships/{membershipId}/resend"); item != nil && item.Post != nil && item.Post.RequestBody != nil {
		item.Post.RequestBody.Value.Required = false
	}
	return nil
}

type relKind struct {
	target string // the resource type it points at
	many   bool
}

// relationshipKinds reads what each relationship is from the spec's related
// endpoints: GET /<collection>/{id}/<rel> is tagged [<target type>,
// has_one|has_many].
func relationshipKinds(doc *openapi3.T) map[string]map[string]relKind {
	out := map[string]map[string]relKind{}
	for path, item := range doc.Paths.Map() {
		segs := strings.Split(strings.Trim(path, "/"), "/")
		if len(segs) != 3 || !strings.HasPrefix(segs[1], "{") || item.Get == nil || len(item.Get.Tags) != 2 {
			continue
		}
		kind := relKind{target: item.Get.Tags[0]}
		switch item.Get.Tags[1] {
		case "has_one":
		case "has_many":
			kind.many = true
		default:
			continue
		}
		if out[segs[0]] == nil {
			out[segs[0]] = map[string]relKind{}
		}
		out[segs[0]][segs[2]] = kind
	}
	return out
}

type patcher struct {
	rels map[string]map[string]relKind
	done map[*openapi3.Schema]bool // schemas already patched (refs share them)
}

// resource patches a request or response document schema of a collection.
func (p *patcher) resource(collection string, doc *openapi3.SchemaRef) {
	if doc == nil || doc.Value == nil {
		return
	}
	data := doc.Value.Properties["data"]
	if data == nil || data.Value == nil {
		return
	}
	if data.Value.Items != nil { // a list
		data = data.Value.Items
	}
	props := data.Value.Properties
	if attrs := props["attributes"]; attrs != nil && attrs.Value != nil {
		p.readOnlyNullable(attrs.Value)
	}
	if rels := props["relationships"]; rels != nil && rels.Value != nil {
		for name, rel := range rels.Value.Properties {
			if kind, ok := p.rels[collection][name]; ok && rel.Value != nil {
				p.relationship(rel.Value, kind)
			}
		}
	}
}

// readOnlyNullable: the spec states the nullability of every writable
// attribute (nullable true or false) and of no read-only one, whose
// "nullable" key is always absent. Absence there means unstated, not "never
// null": a pending membership has no user names yet, an enabled identity
// provider no disabled_at.
func (p *patcher) readOnlyNullable(attrs *openapi3.Schema) {
	if p.done[attrs] {
		return
	}
	p.done[attrs] = true
	for _, a := range attrs.Properties {
		if a.Value != nil && a.Value.ReadOnly {
			a.Value.Nullable = true
		}
	}
}

// relationship fixes a relationship's linkage schema with what the related
// endpoint's tags say:
//   - response schemas give data.type as the relationship name in the
//     singular ("organization"), while request schemas, the docs and the API
//     use the resource type ("organizations");
//   - data is always an object, though the endpoint says has_many, and
//     JSON:API (the spec's media type) sends a to-many linkage as an array
//     and an empty to-one linkage as null.
func (p *patcher) relationship(rel *openapi3.Schema, kind relKind) {
	if p.done[rel] {
		return
	}
	p.done[rel] = true
	data := rel.Properties["data"]
	if data == nil || data.Value == nil {
		return
	}
	if typ := data.Value.Properties["type"]; typ != nil && typ.Value != nil {
		typ.Value.Enum = []any{kind.target}
	}
	if kind.many {
		rel.Properties["data"] = &openapi3.SchemaRef{Value: openapi3.NewArraySchema().WithItems(data.Value)}
	} else {
		data.Value.Nullable = true
	}
}
