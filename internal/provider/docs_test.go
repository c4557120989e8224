package provider

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestDocsUpToDate renders the documentation with tfplugindocs into a
// temporary directory, exactly as `make generate` does (scripts/docs.sh, which
// also runs `tfplugindocs validate` on the result), and fails when docs/
// differs: a schema description, a template or an example changed without
// `make generate`. It runs offline (tfplugindocs is the Go tool pinned in
// tools/go.mod; the schema comes from a local Terraform CLI) and skips only
// when no CLI that can export the full schema is available: Terraform >= 1.14,
// the first with list resources and actions (TF_ACC_TERRAFORM_PATH, PATH or
// the tool cache, where `make test` builds it).
func TestDocsUpToDate(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, "scripts", "docs.sh")
	if _, err := os.Stat(script); err != nil {
		t.Skipf("docs check skipped: %s not found (not a full checkout)", script)
	}
	for _, tool := range []string{"bash", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("docs check skipped: %s not found on PATH", tool)
		}
	}

	out := t.TempDir()
	cmd := exec.Command("bash", script, "--no-build", "--out", out)
	cmd.Dir = root
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 3 {
			t.Skipf("docs check skipped: no CLI can export the provider schema here:\n%s"+
				"Install Terraform >= 1.14, or run `scripts/terraform.sh` once (make test does).", output.String())
		}
		t.Fatalf("rendering the docs failed (a tfplugindocs generate or validate error is a bug to fix "+
			"in the schema descriptions, templates/ or examples/): %v\n%s", err, output.String())
	}

	if problems := compareTrees(filepath.Join(root, "docs"), out); len(problems) > 0 {
		t.Errorf("docs/ is out of date: run `make generate` and commit docs/.\n%s", strings.Join(problems, "\n"))
	}
}

// compareTrees lists the differences between the committed tree and the
// freshly rendered one, one line per file.
func compareTrees(committed, rendered string) []string {
	want, err := readTree(rendered)
	if err != nil {
		return []string{fmt.Sprintf("reading the rendered docs: %v", err)}
	}
	got, err := readTree(committed)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return []string{fmt.Sprintf("reading docs/: %v", err)}
	}

	var problems []string
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("  missing: docs/%s", name))
		case !bytes.Equal(g, w):
			problems = append(problems, fmt.Sprintf("  stale:   docs/%s (%s)", name, firstDifference(g, w)))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			problems = append(problems, fmt.Sprintf("  extra:   docs/%s (not generated any more: remove it)", name))
		}
	}
	sort.Strings(problems)
	return problems
}

// readTree maps slash-separated relative paths to file contents.
func readTree(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	return files, err
}

// firstDifference describes the first line where committed and rendered differ.
func firstDifference(committed, rendered []byte) string {
	c := strings.Split(string(committed), "\n")
	r := strings.Split(string(rendered), "\n")
	for i := 0; i < len(c) || i < len(r); i++ {
		var cl, rl string
		if i < len(c) {
			cl = c[i]
		}
		if i < len(r) {
			rl = r[i]
		}
		if i >= len(c) || i >= len(r) || cl != rl {
			return fmt.Sprintf("line %d: committed %q, generated %q", i+1, clip(cl), clip(rl))
		}
	}
	return "differs"
}

func clip(s string) string {
	const maxLen = 100
	if len(s) > maxLen {
		return s[:maxLen] + "..."
	}
	return s
}
