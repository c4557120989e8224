package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/clprovisioning/terraform-provider-clprovisioning/internal/provisioning"
)

// session is what one configured provider shares with its resources, data
// sources and actions: the client, the settings that are not the client's,
// and what it learned about its own credentials.
type session struct {
	client *provisioning.Client
	// allowOwnAccessRemoval lets a plan remove the signed-in user's own
	// membership or make it read-only (provider argument of the same name).
	allowOwnAccessRemoval bool

	mu        sync.Mutex
	userEmail string          // the signed-in user's, once read
	forgotten map[string]bool // "type/id" of objects this process's destroys left in place
}

// forget records that a destroy left an object in place on purpose (the API
// cannot delete it): a replacement in the same run then makes a new one of
// the same name rather than report this one as unknown to the state.
func (s *session) forget(apiType, id string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forgotten == nil {
		s.forgotten = map[string]bool{}
	}
	s.forgotten[apiType+"/"+id] = true
}

// wasForgotten tells whether this process's destroy left the object in place.
func (s *session) wasForgotten(apiType, id string) bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.forgotten[apiType+"/"+id]
}

// signedInEmail is the e-mail of the user whose credentials the provider
// uses: one GET per provider process, when first needed.
func (s *session) signedInEmail(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.userEmail != "" {
		return s.userEmail, nil
	}
	u, err := s.client.GetPath(ctx, "user")
	if err != nil {
		return "", fmt.Errorf("reading the signed-in user: %w", err)
	}
	s.userEmail = u.String("email")
	return s.userEmail, nil
}

// isSignedInUser tells whether an e-mail address is the signed-in user's.
func (s *session) isSignedInUser(ctx context.Context, email string) (bool, error) {
	me, err := s.signedInEmail(ctx)
	return err == nil && me != "" && strings.EqualFold(me, email), err
}

// sessionFrom takes the session the provider's Configure produced (nil
// before the provider is configured, during validation).
func sessionFrom(data any) *session {
	s, _ := data.(*session)
	return s
}
