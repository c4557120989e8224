package provisioning

import (
	"context"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/jsonapi"
)

// Sparse fieldsets for included objects (Config.SparseIncluded).
//
// A read asks for its relationships with include= so that one GET gives
// their ids (relationships.<name>.data of the primary object); the included
// objects themselves come along whole and nobody reads them: a membership
// read embeds its organization, about 5.7 kB where 1.8 kB would do. With
// sparse fieldsets (fields[organizations]=name) each included object comes
// with one short attribute. Only included types are thinned, never the
// primary type, and never with nested include paths (a thinned middle
// object would lose the relationship the path follows).
//
// The Core API documents fields[<type>]= (its sparse-fieldsets page, which
// the Provisioning docs defer to), but neither the Provisioning docs nor its
// OpenAPI spec say so for this API; so it is off unless asked for, and a 400
// to a thinned read is taken as the API refusing the parameter: the read is
// made again without it, and this client stops sending it.

// relationshipTypes maps the API's relationship names to their types.
var relationshipTypes = map[string]string{
	"api_credential": "api_credentials", "api_credentials": "api_credentials",
	"application_memberships": "application_memberships",
	"membership":              "memberships", "memberships": "memberships",
	"membership_profile": "membership_profiles",
	"organization":       "organizations",
	"permissions":        "permissions",
	"role":               "roles", "roles": "roles",
	"user":     "users",
	"versions": "versions",
}

// smallestFields: the one short attribute asked of each included type.
var smallestFields = map[string]string{
	"api_credentials":         "name",
	"application_memberships": "created_at",
	"memberships":             "status",
	"membership_profiles":     "name",
	"organizations":           "name",
	"permissions":             "subject",
	"roles":                   "kind", // the organization reads its built-in roles by kind
	"users":                   "first_name",
	"versions":                "event",
}

// includedFields returns the sparse fieldsets for a read of typ with
// include, or nil when none apply.
func (c *Client) includedFields(typ string, include []string) map[string]string {
	if !c.sparse || c.sparseRefused.Load() || len(include) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, rel := range include {
		if strings.Contains(rel, ".") {
			return nil
		}
		t, ok := relationshipTypes[rel]
		if !ok || t == typ {
			continue
		}
		if f, ok := smallestFields[t]; ok {
			out[t] = f
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// read runs a GET whose query (built by query) may carry fields. A 400 to
// a request that carried them is repeated without; when that succeeds, the
// API refused the fields, and this client stops sending them.
func (c *Client) read(ctx context.Context, cl call, fields map[string]string, query func(fields map[string]string) string) (*jsonapi.Document, error) {
	cl.query = query(fields)
	doc, err := c.do(ctx, cl)
	if len(fields) == 0 {
		return doc, err
	}
	if ae, ok := AsAPIError(err); !ok || ae.StatusCode != http.StatusBadRequest {
		return doc, err
	}
	cl.query = query(nil)
	doc, err = c.do(ctx, cl)
	if err == nil && !c.sparseRefused.Swap(true) {
		tflog.Warn(ctx, "Provisioning API refused sparse fieldsets (fields[...]); reading whole included objects from now on",
			map[string]any{"method": cl.method, "path": cl.path})
	}
	return doc, err
}
