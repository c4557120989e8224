// Package jsonapi holds the JSON:API document types shared by the API client
// (internal/provisioning) and the simulator (internal/simulator). It knows the
// wire format only: no HTTP, no Terraform.
package jsonapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// MediaType is the content type of every Provisioning API request and response.
const MediaType = "application/vnd.api+json"

// Identifier points at one resource: {"type":"roles","id":"xYZkjABcde"}.
type Identifier struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Relationship is a relationship object. Data is only meaningful when HasData
// is true: the API sends links only unless the relationship was included.
//
//   - to-one, set:    HasData, One != nil
//   - to-one, null:   HasData, One == nil, !IsMany
//   - to-many:        HasData, IsMany, Many (possibly empty)
type Relationship struct {
	HasData bool
	IsMany  bool
	One     *Identifier
	Many    []Identifier
	Links   map[string]string
}

// ToOne builds a to-one relationship; an empty id yields an explicit null.
func ToOne(typ, id string) Relationship {
	if id == "" {
		return Relationship{HasData: true}
	}
	return Relationship{HasData: true, One: &Identifier{Type: typ, ID: id}}
}

// ToMany builds a to-many relationship.
func ToMany(typ string, ids ...string) Relationship {
	r := Relationship{HasData: true, IsMany: true, Many: []Identifier{}}
	for _, id := range ids {
		r.Many = append(r.Many, Identifier{Type: typ, ID: id})
	}
	return r
}

// ID returns the id of a to-one relationship ("" when null or not included).
func (r Relationship) ID() string {
	if r.One == nil {
		return ""
	}
	return r.One.ID
}

// IDs returns the ids of a to-many relationship.
func (r Relationship) IDs() []string {
	out := make([]string, 0, len(r.Many))
	for _, i := range r.Many {
		out = append(out, i.ID)
	}
	return out
}

func (r Relationship) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	if len(r.Links) > 0 {
		m["links"] = r.Links
	}
	if r.HasData {
		switch {
		case r.IsMany:
			many := r.Many
			if many == nil {
				many = []Identifier{}
			}
			m["data"] = many
		case r.One != nil:
			m["data"] = r.One
		default:
			m["data"] = nil
		}
	}
	return json.Marshal(m)
}

func (r *Relationship) UnmarshalJSON(b []byte) error {
	var raw struct {
		Data  json.RawMessage   `json:"data"`
		Links map[string]string `json:"links"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*r = Relationship{Links: raw.Links}
	if raw.Data == nil {
		return nil
	}
	r.HasData = true
	data := bytes.TrimSpace(raw.Data)
	switch {
	case bytes.Equal(data, []byte("null")):
	case len(data) > 0 && data[0] == '[':
		r.IsMany = true
		r.Many = []Identifier{}
		return json.Unmarshal(data, &r.Many)
	default:
		r.One = &Identifier{}
		return json.Unmarshal(data, r.One)
	}
	return nil
}

// Resource is one resource object. Attributes hold decoded JSON values
// (numbers as json.Number when decoded with Decode); a key mapped to nil is
// sent as an explicit null, which is how an attribute is cleared.
type Resource struct {
	Type          string                  `json:"type"`
	ID            string                  `json:"id,omitempty"`
	Attributes    map[string]any          `json:"attributes,omitempty"`
	Relationships map[string]Relationship `json:"relationships,omitempty"`
	Links         map[string]string       `json:"links,omitempty"`
	Meta          map[string]any          `json:"meta,omitempty"`
	// Included are the included objects of the document the resource came
	// in that its relationships point to, ordered by type and id (never
	// encoded): see Related.
	Included []Resource `json:"-"`
}

// Related gives the included objects a relationship of the resource points
// to (those the answer carried).
func (r *Resource) Related(name string) []Resource {
	rel := r.Rel(name)
	ids := map[Identifier]bool{}
	if rel.One != nil {
		ids[*rel.One] = true
	}
	for _, id := range rel.Many {
		ids[id] = true
	}
	var out []Resource
	for _, inc := range r.Included {
		if ids[Identifier{Type: inc.Type, ID: inc.ID}] {
			out = append(out, inc)
		}
	}
	return out
}

// MarshalJSON always writes an attributes object, empty if need be: the
// spec requires one in request bodies even when only relationships change.
func (r Resource) MarshalJSON() ([]byte, error) {
	type plain Resource // without this method
	out := struct {
		plain
		Attributes map[string]any `json:"attributes"`
	}{plain: plain(r), Attributes: r.Attributes}
	if out.Attributes == nil {
		out.Attributes = map[string]any{}
	}
	return json.Marshal(out)
}

// Attr returns an attribute and whether it is present (even if null).
func (r *Resource) Attr(name string) (any, bool) {
	if r == nil || r.Attributes == nil {
		return nil, false
	}
	v, ok := r.Attributes[name]
	return v, ok
}

// String returns a string attribute ("" when absent, null or not a string).
func (r *Resource) String(name string) string {
	v, _ := r.Attr(name)
	s, _ := v.(string)
	return s
}

// Bool returns a boolean attribute (false when absent or null).
func (r *Resource) Bool(name string) bool {
	v, _ := r.Attr(name)
	b, _ := v.(bool)
	return b
}

// Rel returns a relationship by name (zero value when absent).
func (r *Resource) Rel(name string) Relationship {
	if r == nil || r.Relationships == nil {
		return Relationship{}
	}
	return r.Relationships[name]
}

// SetRel sets a relationship, allocating the map on first use.
func (r *Resource) SetRel(name string, rel Relationship) {
	if r.Relationships == nil {
		r.Relationships = map[string]Relationship{}
	}
	r.Relationships[name] = rel
}

// SetAttr sets an attribute, allocating the map on first use.
func (r *Resource) SetAttr(name string, v any) {
	if r.Attributes == nil {
		r.Attributes = map[string]any{}
	}
	r.Attributes[name] = v
}

// Document is a top-level JSON:API document. Data is a single resource for
// one-object endpoints and a list for collection endpoints; use One/Many.
type Document struct {
	Data     json.RawMessage   `json:"data,omitempty"`
	Included []Resource        `json:"included,omitempty"`
	Errors   []Error           `json:"errors,omitempty"`
	Meta     map[string]any    `json:"meta,omitempty"`
	Links    map[string]string `json:"links,omitempty"`
}

// NewOne wraps a single resource in a document.
func NewOne(r *Resource) (*Document, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return &Document{Data: b}, nil
}

// NewMany wraps a list of resources in a document.
func NewMany(rs []Resource) (*Document, error) {
	if rs == nil {
		rs = []Resource{}
	}
	b, err := json.Marshal(rs)
	if err != nil {
		return nil, err
	}
	return &Document{Data: b}, nil
}

// One decodes Data as a single resource.
func (d *Document) One() (*Resource, error) {
	if len(d.Data) == 0 || bytes.Equal(bytes.TrimSpace(d.Data), []byte("null")) {
		return nil, fmt.Errorf("jsonapi: document has no data")
	}
	var r Resource
	if err := Unmarshal(d.Data, &r); err != nil {
		return nil, fmt.Errorf("jsonapi: decoding resource: %w", err)
	}
	r.Included = d.related(&r)
	return &r, nil
}

// Many decodes Data as a list of resources.
func (d *Document) Many() ([]Resource, error) {
	var rs []Resource
	if len(d.Data) == 0 {
		return rs, nil
	}
	if err := Unmarshal(d.Data, &rs); err != nil {
		return nil, fmt.Errorf("jsonapi: decoding resource list: %w", err)
	}
	for i := range rs {
		rs[i].Included = d.related(&rs[i])
	}
	return rs, nil
}

// related gives the included objects r's relationships point to, so that a
// resource of a list carries what a read of it alone would carry.
func (d *Document) related(r *Resource) []Resource {
	ids := map[Identifier]bool{}
	for _, rel := range r.Relationships {
		if rel.One != nil {
			ids[*rel.One] = true
		}
		for _, id := range rel.Many {
			ids[id] = true
		}
	}
	var out []Resource
	for _, inc := range d.Included {
		if ids[Identifier{Type: inc.Type, ID: inc.ID}] {
			out = append(out, inc)
		}
	}
	// In one order, whatever order the document lists them in.
	slices.SortFunc(out, func(a, b Resource) int { return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.ID, b.ID)) })
	return out
}

// Error is one entry of an error document.
type Error struct {
	Title  string         `json:"title,omitempty"`
	Detail string         `json:"detail,omitempty"`
	Code   string         `json:"code,omitempty"`
	Status string         `json:"status,omitempty"`
	Source *ErrorSource   `json:"source,omitempty"`
	Meta   map[string]any `json:"meta,omitempty"`
}

// ErrorSource names the part of the request an error is about.
type ErrorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
}

// Attribute returns the attribute name a pointer such as
// "/data/attributes/name" or "/data/relationships/role" refers to, or "".
func (s *ErrorSource) Attribute() string {
	if s == nil {
		return ""
	}
	for _, prefix := range []string{"/data/attributes/", "/data/relationships/"} {
		if rest, ok := strings.CutPrefix(s.Pointer, prefix); ok {
			name, _, _ := strings.Cut(rest, "/")
			return name
		}
	}
	return ""
}

// Unmarshal decodes JSON keeping numbers as json.Number, so that integers
// and decimals survive a round trip unchanged.
func Unmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// Decode reads a whole document.
func Decode(b []byte) (*Document, error) {
	var d Document
	if err := Unmarshal(b, &d); err != nil {
		return nil, err
	}
	return &d, nil
}
