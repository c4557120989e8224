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
	userEmail string // the signed-in user's, once read
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
