import {
  to = clprovisioning_membership_profile.qa
  identity = {
    id = "xYZkjABcde"
  }
}
