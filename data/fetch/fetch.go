package fetch

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// SumsFile is the checksum file kept in the destination folder.
const SumsFile = "SHA256SUMS"

// Client is the HTTP client used by Get: short connect and header timeouts, no
// overall limit (archives are large).
var Client = &http.Client{Transport: &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
	TLSHandshakeTimeout:   10 * time.Second,
	ResponseHeaderTimeout: 30 * time.Second,
}}

// Get downloads url into dir (file name = the URL's last element) unless a file with
// the right digest is already there, and checks its SHA-256 against dir/SHA256SUMS
// (recording it there when absent). It returns the file's path and digest.
func Get(ctx context.Context, url, dir string) (file, digest string, err error) {
	name := path.Base(url)
	file = filepath.Join(dir, name)
	sums, err := ReadSums(dir)
	if err != nil {
		return "", "", err
	}
	want := sums[name]
	if want != "" {
		if got, err := FileSHA256(file); err == nil && got == want {
			return file, got, nil // already downloaded
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", fmt.Errorf("fetch: %w", err)
	}
	got, err := download(ctx, url, file)
	if err != nil {
		return "", "", fmt.Errorf("fetch: %v: download %s by hand and put it at %s", err, url, file)
	}
	if want != "" && got != want {
		os.Remove(file)
		return "", "", fmt.Errorf("fetch: %s: SHA-256 %s, but %s lists %s: corrupt or changed download, removed", url, got, filepath.Join(dir, SumsFile), want)
	}
	if want == "" {
		sums[name] = got
		if err := writeSums(dir, sums); err != nil {
			return "", "", err
		}
	}
	return file, got, nil
}

func download(ctx context.Context, url, file string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := Client.Do(req)
	if err != nil {
		return "", fmt.Errorf("cannot reach %s (no internet access?): %v", req.URL.Host, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s answered %s", url, resp.Status)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), filepath.Base(file)+".part*")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), resp.Body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("got %d of %d bytes", n, resp.ContentLength)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("downloading %s: %v", url, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// FileSHA256 is the hex SHA-256 of a file.
func FileSHA256(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ReadSums reads dir/SHA256SUMS ("<hex>  <name>" lines); a missing file is empty.
func ReadSums(dir string) (map[string]string, error) {
	sums := map[string]string{}
	p := filepath.Join(dir, SumsFile)
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return sums, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 || len(fields[0]) != 64 {
			return nil, fmt.Errorf("fetch: %s line %d: want \"<64 hex digits>  <file name>\"", p, line)
		}
		sums[strings.TrimPrefix(fields[1], "*")] = strings.ToLower(fields[0])
	}
	return sums, sc.Err()
}

func writeSums(dir string, sums map[string]string) error {
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s  %s\n", sums[n], n)
	}
	if err := os.WriteFile(filepath.Join(dir, SumsFile), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	return nil
}

// Extract unpacks a .tar.gz/.tgz or .zip archive into dir, refusing entries that
// would land outside it.
func Extract(archive, dir string) error {
	switch {
	case strings.HasSuffix(archive, ".tar.gz") || strings.HasSuffix(archive, ".tgz"):
		return extractTarGz(archive, dir)
	case strings.HasSuffix(archive, ".zip"):
		return extractZip(archive, dir)
	}
	return fmt.Errorf("fetch: %s: unknown archive type (want .tar.gz, .tgz or .zip)", archive)
}

func target(dir, name, archive string) (string, error) {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if !strings.HasPrefix(p, filepath.Clean(dir)+string(filepath.Separator)) {
		return "", fmt.Errorf("fetch: %s: entry %q points outside %s", archive, name, dir)
	}
	return p, nil
}

func writeFile(p string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func extractTarGz(archive, dir string) error {
	f, err := os.Open(archive)
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("fetch: %s: %v", archive, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("fetch: %s: truncated or corrupt archive: %v", archive, err)
		}
		p, err := target(dir, h.Name, archive)
		if err != nil {
			return err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(p, 0o755)
		case tar.TypeReg:
			err = writeFile(p, tr)
		}
		if err != nil {
			return fmt.Errorf("fetch: %s: %s: %v", archive, h.Name, err)
		}
	}
}

func extractZip(archive, dir string) error {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return fmt.Errorf("fetch: %s: %v", archive, err)
	}
	defer zr.Close()
	for _, zf := range zr.File {
		p, err := target(dir, zf.Name, archive)
		if err != nil {
			return err
		}
		if zf.FileInfo().IsDir() {
			if err := os.MkdirAll(p, 0o755); err != nil {
				return fmt.Errorf("fetch: %w", err)
			}
			continue
		}
		r, err := zf.Open()
		if err != nil {
			return fmt.Errorf("fetch: %s: %s: %v", archive, zf.Name, err)
		}
		err = writeFile(p, r)
		r.Close()
		if err != nil {
			return fmt.Errorf("fetch: %s: %s: %v", archive, zf.Name, err)
		}
	}
	return nil
}
