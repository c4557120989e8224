# A membership profile is imported by its ID.
terraform import clprovisioning_membership_profile.qa <membership-profile-id>
