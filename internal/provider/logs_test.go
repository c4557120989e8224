package provider

import (
	"os"
	"testing"
)

func TestSilenceUnreadLogs(t *testing.T) {
	for _, c := range []struct {
		name  string
		env   map[string]string
		quiet bool
	}{
		{"nothing set: Terraform discards the lines", nil, true},
		{"TF_LOG set: Terraform keeps them", map[string]string{"TF_LOG": "DEBUG"}, false},
		{"TF_LOG_PROVIDER set: Terraform keeps them", map[string]string{"TF_LOG_PROVIDER": "trace"}, false},
		{"an SDK level chosen explicitly", map[string]string{"TF_LOG_SDK_FRAMEWORK": "debug"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, name := range append([]string{envTFLog, envTFLogProvider}, quietLogLevels...) {
				t.Setenv(name, "")
				os.Unsetenv(name) // t.Setenv restores the original value afterwards
			}
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			SilenceUnreadLogs()
			for _, name := range quietLogLevels {
				got := os.Getenv(name)
				switch {
				case c.quiet && got != "off":
					t.Errorf("%s = %q, want off", name, got)
				case !c.quiet && got != c.env[name]:
					t.Errorf("%s = %q, want it left %q", name, got, c.env[name])
				}
			}
		})
	}
}
