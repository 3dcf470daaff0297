// Package fetch downloads dataset archives over HTTP(S) with SHA-256 checks and
// unpacks them (.tar.gz, .tgz, .zip), for machines with internet access.
//
// Checksums follow the sha256sum format in a SHA256SUMS file of the destination
// folder: a digest listed there is enforced; an archive without one is downloaded,
// its digest recorded in SHA256SUMS and reported, so later downloads are checked
// against the first ("trust on first use" — compare the recorded digest with a
// trusted source when you can). Connections fail fast (10 s to connect, 30 s to the
// first response byte) with an error that says which URL to download by hand and
// where to put the file.
package fetch
