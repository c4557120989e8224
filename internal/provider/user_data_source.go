package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// NewUserDataSource reads the signed-in user.
func NewUserDataSource() datasource.DataSource {
	return &objectDataSource[userModel]{
		entity:      userEntity,
		singleton:   true,
		description: "The user the provider signs in as (the API's `user` singleton): one GET, no arguments.",
		find: func(context.Context, *userModel) (lookup, diag.Diagnostics) {
			// The singleton is read from /api/user whatever the id.
			return lookup{id: userPath}, nil
		},
	}
}
