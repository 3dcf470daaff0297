//go:build xla

package nclab

// The XLA backend (cgo, PJRT plugins loaded with dlopen). Only its plain registration
// is linked, never go-xla's auto-installer, so a missing plugin is an error, not a
// download.
import _ "github.com/gomlx/go-xla/compute/xla"

const xlaCompiledIn = true
