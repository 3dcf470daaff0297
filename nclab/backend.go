package nclab

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // the pure-Go backend, always available
)

// BackendEnv is the environment variable that selects the backend (GoMLX's own).
const BackendEnv = compute.ConfigEnvVar

// xlaNames are the backend names go-xla registers for its XLA backend.
var xlaNames = []string{"xla", "stablehlo", "hlo", "shlo"}

// NewBackend returns the compute backend for GoMLX graphs: the pure-Go backend when
// GOMLX_BACKEND is unset or empty, otherwise the backend it names (see the package
// documentation). Asking for XLA in a binary built without the xla tag, or without
// a PJRT plugin on disk, is an error that says how to fix it.
func NewBackend() (compute.Backend, error) {
	return newBackend(os.Getenv(BackendEnv))
}

func newBackend(config string) (compute.Backend, error) {
	config = strings.TrimSpace(config)
	if config == "" {
		config = "go"
	}
	name, options, _ := strings.Cut(config, ":")
	switch name {
	case "cpu", "cuda":
		// Short forms: the plugin name alone.
		name, options = "xla", config
	}
	if slices.Contains(xlaNames, name) {
		if err := checkXLA(options); err != nil {
			return nil, err
		}
	} else if !slices.Contains(compute.List(), name) {
		return nil, fmt.Errorf("nclab: %s=%q names an unknown backend %q (compiled in: %s)",
			BackendEnv, config, name, strings.Join(sortedBackends(), ", "))
	}
	if name == "go" {
		options = goOptions(options, runtime.GOMAXPROCS(0))
	}
	b, err := compute.NewWithConfig(name + prefixColon(options))
	if err != nil {
		return nil, fmt.Errorf("nclab: creating backend %q: %w", config, err)
	}
	return b, nil
}

// goOptions adds num_executors=min(procs, 8) to the pure-Go backend's options unless
// they already set num_executors, parallelism or an ops_* execution mode.
//
// Why: compute v0.1.14 starts each graph execution with up to 8 op executors (its
// DefaultNumExecutors), capped at the worker pool's size, 2 x GOMAXPROCS. The idle
// executors hold pool slots for the whole execution, so on a 2-core machine three of
// the four slots are taken and a large matmul, which fans out only over free slots,
// runs on one core. With one executor per core the matmul gets the rest of the pool
// while independent ops still run side by side. Measured on 2 cores (Zen 4, quiet):
// 1024^3 float32 matmul 101 -> 180 GFLOP/s; training steps MLP 20.5 -> 15.7 ms,
// small CNN 574 -> 410 ms, ResNet18 6.15 -> 3.40 s; UFM float32 step 3.91 -> 2.82 ms
// (nclab/METHOD.md, appendix B). Machines with 8 or more cores keep the default.
func goOptions(options string, procs int) string {
	for _, part := range strings.Split(options, ",") {
		key, _, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch key {
		case "num_executors", "parallelism", "ops_sequential", "ops_parallel":
			return options
		}
	}
	executors := fmt.Sprintf("num_executors=%d", max(1, min(procs, 8)))
	if strings.TrimSpace(options) == "" {
		return executors
	}
	return options + "," + executors
}

func prefixColon(options string) string {
	if options == "" {
		return ""
	}
	return ":" + options
}

func sortedBackends() []string {
	names := compute.List()
	slices.Sort(names)
	return names
}

// checkXLA fails unless the XLA backend is compiled in and the PJRT plugin asked for
// in options ("cpu", "cuda,opt=…", an absolute path, or empty for any) is on disk.
func checkXLA(options string) error {
	plugin, _, _ := strings.Cut(options, ",")
	if !xlaCompiledIn {
		return fmt.Errorf("nclab: %s asks for the XLA backend, but this binary was built without it: "+
			"rebuild with `go build -tags xla` (needs cgo and a C compiler) and install a PJRT plugin, or unset %s to use the pure-Go backend",
			BackendEnv, BackendEnv)
	}
	if filepath.IsAbs(plugin) {
		if _, err := os.Stat(plugin); err != nil {
			return fmt.Errorf("nclab: PJRT plugin %s: %w", plugin, err)
		}
		return nil
	}
	found := FindPJRTPlugins(PJRTSearchPaths())
	if plugin == "" && len(found) > 0 {
		return nil
	}
	if _, ok := found[plugin]; ok {
		return nil
	}
	for name := range found {
		// go-xla also accepts versioned names such as "cpu_v0.83.1" for "cpu".
		if strings.HasPrefix(name, plugin+"_v") {
			return nil
		}
	}
	want := "any PJRT plugin"
	if plugin != "" {
		want = fmt.Sprintf("the PJRT plugin %q (file pjrt_c_api_%s_plugin.so)", plugin, plugin)
	}
	var have []string
	for name := range found {
		have = append(have, name)
	}
	slices.Sort(have)
	return fmt.Errorf("nclab: %s=%q asks for XLA, but %s was not found (found: %v) in %s; "+
		"install one with go-xla's installer (`go run github.com/gomlx/go-xla/cmd/pjrt_installer@latest`, which puts it in ~/.local/lib/go-xla), "+
		"or from JAX's pip packages (jax-cuda12-pjrt / jax-cuda13-pjrt ship the CUDA plugin), "+
		"then set PJRT_PLUGIN_LIBRARY_PATH to its folder; or unset %s to use the pure-Go backend",
		BackendEnv, os.Getenv(BackendEnv), want, have, strings.Join(PJRTSearchPaths(), ":"), BackendEnv)
}

// PJRTSearchPaths returns the folders searched for PJRT plugins, in order, as go-xla
// v0.4 searches them: the ':'-separated PJRT_PLUGIN_LIBRARY_PATH when set; otherwise
// ~/.local/lib/go-xla (and its nvidia subfolder), ~/.local/lib/gomlx/pjrt,
// /usr/local/lib/go-xla (and nvidia), /usr/local/lib/gomlx/pjrt, the absolute entries
// of LD_LIBRARY_PATH and the folders listed in /etc/ld.so.conf.
func PJRTSearchPaths() []string {
	if env, ok := os.LookupEnv("PJRT_PLUGIN_LIBRARY_PATH"); ok {
		return slices.DeleteFunc(strings.Split(env, ":"), func(p string) bool { return p == "" })
	}
	var paths []string
	if home, err := os.UserHomeDir(); err == nil {
		local := filepath.Join(home, ".local", "lib", "go-xla")
		paths = append(paths, local, filepath.Join(local, "nvidia"), filepath.Join(home, ".local", "lib", "gomlx", "pjrt"))
	}
	paths = append(paths, "/usr/local/lib/go-xla", "/usr/local/lib/go-xla/nvidia", "/usr/local/lib/gomlx/pjrt")
	for p := range strings.SplitSeq(os.Getenv("LD_LIBRARY_PATH"), ":") {
		if filepath.IsAbs(p) {
			paths = append(paths, p)
		}
	}
	return append(paths, ldSoConfPaths("/etc/ld.so.conf", 0)...)
}

var ldInclude = regexp.MustCompile(`^\s*include\s+(\S+)`)

// ldSoConfPaths reads the folders listed in an ld.so.conf-style file, following its
// include lines (to a small depth, against include loops).
func ldSoConfPaths(file string, depth int) []string {
	f, err := os.Open(file)
	if err != nil || depth > 4 {
		return nil
	}
	defer f.Close()
	var paths []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := ldInclude.FindStringSubmatch(line); m != nil {
			pattern := m[1]
			if !filepath.IsAbs(pattern) {
				pattern = filepath.Join(filepath.Dir(file), pattern)
			}
			matches, _ := filepath.Glob(pattern)
			for _, inc := range matches {
				paths = append(paths, ldSoConfPaths(inc, depth+1)...)
			}
			continue
		}
		if filepath.IsAbs(line) {
			paths = append(paths, line)
		}
	}
	return paths
}

var pluginFile = []*regexp.Regexp{
	regexp.MustCompile(`^pjrt_c_api_(.+)_plugin\.(so|dylib|dll)$`),
	regexp.MustCompile(`^pjrt[-_]plugin[-_](.+)\.(so|dylib|dll)$`),
}

// FindPJRTPlugins lists the PJRT plugin files in the given folders, by plugin name
// (pjrt_c_api_cuda_plugin.so is "cuda"); the first folder holding a name wins. It
// only looks at file names: whether the library loads is go-xla's to find out.
func FindPJRTPlugins(paths []string) map[string]string {
	found := map[string]string{}
	for _, dir := range paths {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			for _, re := range pluginFile {
				if m := re.FindStringSubmatch(e.Name()); m != nil {
					if _, ok := found[m[1]]; !ok {
						found[m[1]] = filepath.Join(dir, e.Name())
					}
					break
				}
			}
		}
	}
	return found
}
