package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// What an action is given never changes the path of its request: each id
// is one path segment, escaped. (The plan refuses such ids anyway, see the
// census; this is the client's own guarantee, for ids that reach it
// otherwise.) Before, membership_id = "abc/def" sent POST
// /api/memberships/abc/def/resend.
func TestActionIDsStayInTheirSegment(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.EscapedPath())
		mu.Unlock()
		if r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/api/roles/") {
			w.Header().Set("Content-Type", "application/vnd.api+json")
			_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{
				"id": "abc/def", "type": "roles", "attributes": map[string]any{"name": "Custom"},
			}})
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	client, err := provisioning.New(provisioning.Config{AccessToken: "token", APIURL: srv.URL, AuthURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		action func() *apiAction
		args   map[string]string
		want   string
	}{
		{
			func() *apiAction { return asAPIAction(NewMembershipResendInvitationAction()) },
			map[string]string{"membership_id": "abc/def"},
			"POST /api/memberships/abc%2Fdef/resend",
		},
		{
			func() *apiAction { return asAPIAction(NewMembershipResendInvitationAction()) },
			map[string]string{"membership_id": "../organizations/x"},
			"POST /api/memberships/..%2Forganizations%2Fx/resend",
		},
		{
			func() *apiAction { return asAPIAction(NewOrganizationTransferOwnershipAction()) },
			map[string]string{"organization_id": "org/1?x", "new_owner_email": "ada@example.com"},
			"PATCH /api/organizations/org%2F1%3Fx/transfer_ownership",
		},
		{
			func() *apiAction { return asAPIAction(NewRoleAddMissingBasePermissionsAction()) },
			map[string]string{"role_id": "abc/def"},
			"PATCH /api/roles/abc%2Fdef",
		},
	}
	for _, c := range cases {
		mu.Lock()
		paths = nil
		mu.Unlock()
		a := c.action()
		if _, err := a.run(context.Background(), client, c.args); err != nil {
			t.Errorf("%s %v: %v", a.name, c.args, err)
			continue
		}
		mu.Lock()
		if len(paths) != 1 || paths[0] != c.want {
			t.Errorf("%s %v: requests %q, want [%s]", a.name, c.args, paths, c.want)
		}
		mu.Unlock()
	}
}

// asAPIAction is the provider's action behind the framework's interface.
func asAPIAction(a action.Action) *apiAction {
	x, ok := a.(*apiAction)
	if !ok {
		panic(fmt.Sprintf("%T is not an *apiAction", a))
	}
	return x
}
