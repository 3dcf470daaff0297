package nclab

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMethodSymbolsExist checks the formula-to-code table of METHOD.md §9: every
// `pkg.Symbol` or `pkg.Type.Name` in a row not marked (pending) must be an exported
// identifier of that package (a top-level declaration, or a field or method of the
// type), read from the package's non-test Go files.
func TestMethodSymbolsExist(t *testing.T) {
	text, err := os.ReadFile("METHOD.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(text), "\n## 9. ")
	if !ok {
		t.Fatal("METHOD.md has no section 9 (the formula-to-code table)")
	}
	table, _, _ = strings.Cut(table, "\n## ")
	symbol := regexp.MustCompile("`([a-z]+)\\.([A-Z][A-Za-z0-9]*)(?:\\.([A-Z][A-Za-z0-9]*))?`")
	pkgs := map[string]map[string]bool{}
	rows, checked, pending := 0, 0, 0
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 6 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") || strings.TrimSpace(cells[1]) == "formula or setting" {
			continue
		}
		rows++
		code := cells[len(cells)-2]
		found := symbol.FindAllStringSubmatch(code, -1)
		if len(found) == 0 {
			t.Errorf("METHOD.md §9 row %q names no symbol", strings.TrimSpace(cells[1]))
		}
		if strings.Contains(line, "(pending)") {
			pending++
			continue
		}
		for _, m := range found {
			pkg, name, member := m[1], m[2], m[3]
			decls, ok := pkgs[pkg]
			if !ok {
				decls = exported(t, pkg)
				pkgs[pkg] = decls
			}
			key := name
			if member != "" {
				key += "." + member
			}
			checked++
			if !decls[key] {
				t.Errorf("METHOD.md §9: %s.%s does not exist (row %q)", pkg, key, strings.TrimSpace(cells[1]))
			}
		}
	}
	if rows < 40 || checked < 80 {
		t.Errorf("METHOD.md §9: read %d rows and %d symbols; the table is shorter than it was written (or the parser broke)", rows, checked)
	}
	t.Logf("%d rows, %d symbols checked, %d rows pending", rows, checked, pending)
}

// packageDirs maps the package names METHOD.md §9 uses to folders relative to nclab/.
var packageDirs = map[string]string{"nclab": ".", "data": filepath.Join("..", "data"), "mlab": filepath.Join("..", "data", "mlab")}

// exported returns the exported names of a package: top-level identifiers, and
// "Type.Name" for the fields (embedded ones too) and methods of its types.
func exported(t *testing.T, pkg string) map[string]bool {
	dir, ok := packageDirs[pkg]
	if !ok {
		dir = pkg
	}
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("METHOD.md §9 names package %q, but %s holds no Go files", pkg, dir)
	}
	out := map[string]bool{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					out[d.Name.Name] = true
					continue
				}
				recv := d.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				if idx, ok := recv.(*ast.IndexExpr); ok {
					recv = idx.X
				}
				if id, ok := recv.(*ast.Ident); ok {
					out[id.Name+"."+d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.ValueSpec:
						for _, n := range s.Names {
							out[n.Name] = true
						}
					case *ast.TypeSpec:
						out[s.Name.Name] = true
						if st, ok := s.Type.(*ast.StructType); ok {
							for _, fld := range st.Fields.List {
								for _, n := range fld.Names {
									out[s.Name.Name+"."+n.Name] = true
								}
								if len(fld.Names) == 0 { // embedded: the type's name
									typ := fld.Type
									if star, ok := typ.(*ast.StarExpr); ok {
										typ = star.X
									}
									switch e := typ.(type) {
									case *ast.Ident:
										out[s.Name.Name+"."+e.Name] = true
									case *ast.SelectorExpr:
										out[s.Name.Name+"."+e.Sel.Name] = true
									}
								}
							}
						}
					}
				}
			}
		}
	}
	return out
}
