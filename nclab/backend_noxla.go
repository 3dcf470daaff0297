//go:build !xla

package nclab

// Built without the xla tag: only the pure-Go backend is available.
const xlaCompiledIn = false
