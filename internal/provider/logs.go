package provider

import "os"

// Log levels of a provider process. terraform-plugin-go reads them from the
// environment when it serves a request; unset, every logger of the provider
// and of the SDK writes at TRACE.
const (
	envTFLog         = "TF_LOG"
	envTFLogProvider = "TF_LOG_PROVIDER"
)

// quietLogLevels are the variables SilenceUnreadLogs sets: the SDK's root,
// protocol and framework loggers and this provider's own.
var quietLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_CLPROVISIONING"}

// SilenceUnreadLogs turns the provider's logs off when Terraform would
// throw them away. Terraform (and OpenTofu) keep a provider's log lines
// only when TF_LOG_PROVIDER or TF_LOG is set, and the provider process
// inherits their environment; with neither set, the framework still formats
// every TRACE line as JSON and writes it to a pipe that Terraform reads and
// discards: about 40% of the provider's CPU in a plan of 1 000 objects
// (internal/bench). A level set explicitly for the provider or the SDK is
// left as it is. main.go calls it before serving, except with -debug, whose
// logs go to the terminal.
func SilenceUnreadLogs() {
	if os.Getenv(envTFLog) != "" || os.Getenv(envTFLogProvider) != "" {
		return
	}
	for _, name := range quietLogLevels {
		if _, set := os.LookupEnv(name); set {
			return
		}
	}
	for _, name := range quietLogLevels {
		_ = os.Setenv(name, "off")
	}
}
