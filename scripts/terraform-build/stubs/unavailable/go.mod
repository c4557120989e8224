module github.com/hashicorp/terraform/internal/backend/remote-state/unavailable

go 1.25.8
