package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewUserDataSource reads the signed-in user.
func NewUserDataSource() datasource.DataSource {
	return &objectDataSource[userModel]{
		entity:      userEntity,
		description: "The user the provider signs in as (the API's `user` singleton): one GET, no arguments.",
	}
}
