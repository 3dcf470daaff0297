package nclab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
)

func isPureGo(t *testing.T, b compute.Backend) bool {
	ref, err := gobackend.New("")
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Finalize()
	return b.Name() == ref.Name()
}

func TestNewBackendDefaultsToPureGo(t *testing.T) {
	t.Setenv(BackendEnv, "")
	b, err := NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if !isPureGo(t, b) {
		t.Fatalf("default backend is %q, want the pure-Go backend", b.Name())
	}
}

func TestNewBackendHonoursGoOptions(t *testing.T) {
	t.Setenv(BackendEnv, "go:parallelism=-1")
	b, err := NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if !isPureGo(t, b) {
		t.Fatalf("backend is %q, want the pure-Go backend", b.Name())
	}
}

func TestGoOptions(t *testing.T) {
	for _, c := range []struct {
		options string
		procs   int
		want    string
	}{
		{"", 2, "num_executors=2"},
		{"", 1, "num_executors=1"},
		{"", 64, "num_executors=8"},
		{"dependency_order", 4, "dependency_order,num_executors=4"},
		{"num_executors=3", 2, "num_executors=3"},
		{"parallelism=-1", 2, "parallelism=-1"},
		{"dependency_order, ops_sequential", 2, "dependency_order, ops_sequential"},
		{"ops_parallel", 2, "ops_parallel"},
	} {
		if got := goOptions(c.options, c.procs); got != c.want {
			t.Errorf("goOptions(%q, %d) = %q, want %q", c.options, c.procs, got, c.want)
		}
	}
	// The options it adds are ones the backend accepts.
	t.Setenv(BackendEnv, "go:dependency_order")
	b, err := NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	b.Finalize()
}

func TestNewBackendUnknownName(t *testing.T) {
	// compute.NewWithConfig panics on an unknown name; we must return an error.
	t.Setenv(BackendEnv, "tpu-of-dreams")
	if _, err := NewBackend(); err == nil || !strings.Contains(err.Error(), "unknown backend") {
		t.Fatalf("got %v, want an unknown-backend error", err)
	}
}

// TestXLAWithoutPlugin is the "absent plugin" path: with an empty plugin folder, every
// way of asking for XLA fails at once with an error that says what to do, and nothing
// is downloaded.
func TestXLAWithoutPlugin(t *testing.T) {
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", t.TempDir())
	for _, config := range []string{"xla", "xla:cpu", "xla:cuda", "cuda", "cpu", "stablehlo:cuda,preallocate=false"} {
		t.Setenv(BackendEnv, config)
		b, err := NewBackend()
		if err == nil {
			b.Finalize()
			t.Fatalf("%s=%q without a plugin: no error", BackendEnv, config)
		}
		msg := err.Error()
		want := "install"
		if !xlaCompiledIn {
			want = "-tags xla"
		}
		if !strings.Contains(msg, want) || !strings.Contains(msg, BackendEnv) {
			t.Fatalf("%s=%q: error %q does not say how to fix it (want %q)", BackendEnv, config, msg, want)
		}
	}
}

func TestXLAAbsolutePluginMissing(t *testing.T) {
	if !xlaCompiledIn {
		t.Skip("built without the xla tag")
	}
	t.Setenv(BackendEnv, "xla:/nonexistent/pjrt_c_api_cpu_plugin.so")
	if _, err := NewBackend(); err == nil || !strings.Contains(err.Error(), "/nonexistent") {
		t.Fatalf("got %v, want an error naming the missing file", err)
	}
}

func TestFindPJRTPlugins(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	for _, f := range []string{
		filepath.Join(first, "pjrt_c_api_cuda_plugin.so"),
		filepath.Join(second, "pjrt_c_api_cuda_plugin.so"), // shadowed by the first folder
		filepath.Join(second, "pjrt-plugin-cpu.so"),
		filepath.Join(second, "libsomething_else.so"),
	} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := FindPJRTPlugins([]string{first, "/nonexistent", second})
	want := map[string]string{
		"cuda": filepath.Join(first, "pjrt_c_api_cuda_plugin.so"),
		"cpu":  filepath.Join(second, "pjrt-plugin-cpu.so"),
	}
	if len(got) != len(want) || got["cuda"] != want["cuda"] || got["cpu"] != want["cpu"] {
		t.Fatalf("FindPJRTPlugins = %v, want %v", got, want)
	}
}

func TestPJRTSearchPaths(t *testing.T) {
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", "/a::/b")
	if got := PJRTSearchPaths(); strings.Join(got, ",") != "/a,/b" {
		t.Fatalf("PJRTSearchPaths = %v, want [/a /b]", got)
	}
	os.Unsetenv("PJRT_PLUGIN_LIBRARY_PATH")
	t.Setenv("HOME", "/home/someone")
	got := PJRTSearchPaths()
	if len(got) < 6 || got[0] != "/home/someone/.local/lib/go-xla" || got[3] != "/usr/local/lib/go-xla" {
		t.Fatalf("default PJRTSearchPaths = %v", got)
	}
}

func TestLdSoConfIncludes(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "ld.so.conf.d")
	os.Mkdir(sub, 0o755)
	os.WriteFile(filepath.Join(dir, "ld.so.conf"), []byte("# comment\ninclude ld.so.conf.d/*.conf\n/opt/lib\n"), 0o644)
	os.WriteFile(filepath.Join(sub, "x.conf"), []byte("/opt/cuda/lib64\nrelative/ignored\n"), 0o644)
	got := ldSoConfPaths(filepath.Join(dir, "ld.so.conf"), 0)
	if strings.Join(got, ",") != "/opt/cuda/lib64,/opt/lib" {
		t.Fatalf("ldSoConfPaths = %v, want [/opt/cuda/lib64 /opt/lib]", got)
	}
}

// A file with a plugin's name that is not a loadable library passes our file-name
// check; go-xla then refuses it, and that must come back as an error, not a panic.
func TestXLABrokenPluginFile(t *testing.T) {
	if !xlaCompiledIn {
		t.Skip("built without the xla tag")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pjrt_c_api_cpu_plugin.so"), []byte("not a library"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", dir)
	t.Setenv(BackendEnv, "xla:cpu")
	if b, err := NewBackend(); err == nil {
		b.Finalize()
		t.Fatal("a broken plugin file gave a backend")
	}
}
