package nclab

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestPackageMap checks the package map of doc.go against the source tree: every
// package under nclab/ and data/ is listed in exactly one layer, and no package
// imports one of a later layer.
func TestPackageMap(t *testing.T) {
	layers := docLayers(t)
	root := ".."
	found := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && rel != "." {
			return filepath.SkipDir
		}
		if !d.IsDir() || !(rel == "nclab" || rel == "data" || strings.HasPrefix(rel, "nclab/") || strings.HasPrefix(rel, "data/")) {
			return nil
		}
		imports, ok := packageImports(t, path)
		if !ok {
			return nil
		}
		found++
		layer, listed := layers[rel]
		if !listed {
			t.Errorf("doc.go's package map does not list %s", rel)
			return nil
		}
		seen := map[string]bool{}
		for _, imp := range imports {
			if seen[imp] {
				continue
			}
			seen[imp] = true
			if l, ok := layers[imp]; ok && l > layer {
				t.Errorf("%s (layer %d) imports %s of a later layer (%d): move one of them in doc.go's package map", rel, layer, imp, l)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 20 || len(layers) < 20 {
		t.Errorf("found %d packages and %d names in doc.go's map; the walk or the parser broke", found, len(layers))
	}

	// The README's layout table says the same.
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| (\\d) \\| (.*?) \\|")
	name := regexp.MustCompile("`([a-z/]+)`")
	inReadme := map[string]int{}
	for _, line := range strings.Split(string(readme), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		l, _ := strconv.Atoi(m[1])
		for _, n := range name.FindAllStringSubmatch(m[2], -1) {
			inReadme[n[1]] = l
		}
	}
	for dir, l := range layers {
		if rl, ok := inReadme[dir]; !ok || rl != l {
			t.Errorf("README's layout table: %s in layer %d, doc.go: layer %d (0: absent)", dir, rl, l)
		}
	}
	for dir := range inReadme {
		if _, ok := layers[dir]; !ok {
			t.Errorf("README's layout table lists %s, doc.go's package map does not", dir)
		}
	}
}

// docLayers reads "Layer N" paragraphs of doc.go and the package names in their
// bullets ("  - a, b: what; c: what"), as folders relative to the repository root.
func docLayers(t *testing.T) map[string]int {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	header := regexp.MustCompile(`^// Layer (\d), [^:]*:(.*)$`)
	out := map[string]int{}
	add := func(layer int, text string) {
		for _, part := range strings.Split(text, ";") {
			names, _, ok := strings.Cut(part, ":")
			if !ok {
				continue
			}
			for _, name := range strings.Split(names, ",") {
				name, _, _ = strings.Cut(strings.TrimSpace(name), " (")
				dir := "nclab/" + name
				switch {
				case name == "nclab":
					dir = "nclab"
				case name == "data" || strings.HasPrefix(name, "data/"):
					dir = name
				}
				if _, dup := out[dir]; dup {
					t.Errorf("doc.go's package map lists %s twice", dir)
				}
				out[dir] = layer
			}
		}
	}
	layer, bullet := 0, ""
	flush := func() {
		if bullet != "" {
			add(layer, bullet)
			bullet = ""
		}
	}
	for _, line := range strings.Split(string(src), "\n") {
		if m := header.FindStringSubmatch(line); m != nil {
			flush()
			layer, _ = strconv.Atoi(m[1])
			if rest := strings.TrimSuffix(strings.TrimSpace(m[2]), "."); rest != "" {
				add(layer, rest+":") // "Layer 5, the command-line tool: cmd/nclab."
			}
			continue
		}
		switch {
		case layer == 0:
		case strings.HasPrefix(line, "//   - "):
			flush()
			bullet = strings.TrimPrefix(line, "//   - ")
		case strings.HasPrefix(line, "//     ") && bullet != "":
			bullet += " " + strings.TrimSpace(strings.TrimPrefix(line, "//"))
		case strings.HasPrefix(line, "// #"):
			flush()
			layer = 0
		default:
			flush()
		}
	}
	flush()
	return out
}

// packageImports returns the repository packages (as folders) imported by the
// non-test Go files of dir, and false when dir holds none.
func packageImports(t *testing.T, dir string) ([]string, bool) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var out []string
	any := false
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		any = true
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if rest, ok := strings.CutPrefix(p, "github.com/nclab/nclab/"); ok {
				out = append(out, rest)
			}
		}
	}
	return out, any
}
