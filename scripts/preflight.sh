#!/usr/bin/env bash
# make test, first: says which CLIs the tests will run on and, before any
# build starts, which ones are missing and will be built, and roughly how long
# that takes. Builds nothing itself.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

missing=0
echo "make test runs the unit tests, the acceptance tests on Terraform >= $TERRAFORM_TEST_MIN and again on OpenTofu >= $OPENTOFU_OLDEST."
if tf=$("$here/terraform.sh" --no-build 2>/dev/null); then
  echo "  Terraform: $(describe "$tf")"
else
  missing=1
  found=$(command -v terraform 2>/dev/null || true)
  echo "  Terraform: none >= $TERRAFORM_TEST_MIN${found:+ (on PATH: $(describe "$found"))}: will build Terraform" \
    "${TERRAFORM_BUILD_VERSION#v} into $cache first, $TERRAFORM_BUILD_TIME."
fi
if tofu=$("$here/opentofu.sh" --no-build 2>/dev/null); then
  echo "  OpenTofu:  $(describe "$tofu")"
else
  missing=1
  echo "  OpenTofu:  none >= $OPENTOFU_OLDEST: will build OpenTofu ${OPENTOFU_BUILD_VERSION#v} into $cache first," \
    "$OPENTOFU_BUILD_TIME."
fi
if [ "$missing" = 1 ]; then
  echo "  (Builds happen once per machine; set TF_ACC_TERRAFORM_PATH / TF_ACC_TOFU_PATH to use CLIs you already have.)"
fi
