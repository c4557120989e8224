# The signed-in user is imported by its ID (see the clprovisioning_user data source).
terraform import clprovisioning_user.me <user-id>
