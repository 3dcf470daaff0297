package fetch

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func tarGz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	for name, content := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg})
		tw.Write([]byte(content))
	}
	tw.Close()
	gz.Close()
	return b.Bytes()
}

func TestGetRecordsThenEnforcesSHA256(t *testing.T) {
	archive := tarGz(t, map[string]string{"set/a.bin": "hello"})
	sum := sha256.Sum256(archive)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(archive)
	}))
	defer srv.Close()
	dir := t.TempDir()
	file, digest, err := Get(context.Background(), srv.URL+"/set.tar.gz", dir)
	if err != nil {
		t.Fatal(err)
	}
	if digest != hex.EncodeToString(sum[:]) {
		t.Errorf("digest %s, want %x", digest, sum)
	}
	sums, _ := ReadSums(dir)
	if sums["set.tar.gz"] != digest {
		t.Errorf("SHA256SUMS %v does not record the digest", sums)
	}
	if _, _, err := Get(context.Background(), srv.URL+"/set.tar.gz", dir); err != nil || hits.Load() != 1 {
		t.Errorf("second Get: %v, %d requests (want 1: the file is already there)", err, hits.Load())
	}
	if err := Extract(file, dir); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "set", "a.bin")); string(b) != "hello" {
		t.Errorf("extracted %q", b)
	}
	// A listed digest that does not match: refused and removed.
	os.WriteFile(filepath.Join(dir, SumsFile), []byte(strings.Repeat("ab", 32)+"  set.tar.gz\n"), 0o644)
	if _, _, err := Get(context.Background(), srv.URL+"/set.tar.gz", dir); err == nil || !strings.Contains(err.Error(), "corrupt or changed") {
		t.Errorf("mismatch: error %v", err)
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("mismatching download kept")
	}
}

func TestGetFailsFastAndSaysWhatToDo(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	dir := t.TempDir()
	if _, _, err := Get(context.Background(), srv.URL+"/x.zip", dir); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: error %v", err)
	}
	url := srv.URL + "/x.zip"
	srv.Close() // nothing listens any more
	start := time.Now()
	_, _, err := Get(context.Background(), url, dir)
	if err == nil || !strings.Contains(err.Error(), "cannot reach") || !strings.Contains(err.Error(), "by hand and put it at "+filepath.Join(dir, "x.zip")) {
		t.Errorf("unreachable: error %v", err)
	}
	if time.Since(start) > 15*time.Second {
		t.Errorf("unreachable host took %v", time.Since(start))
	}
}

func TestExtractRefusesBadArchives(t *testing.T) {
	dir := t.TempDir()
	evil := filepath.Join(dir, "evil.tar.gz")
	os.WriteFile(evil, tarGz(t, map[string]string{"../escape.txt": "x"}), 0o644)
	if err := Extract(evil, filepath.Join(dir, "out")); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("path traversal: error %v", err)
	}
	good := tarGz(t, map[string]string{"a/b.txt": strings.Repeat("y", 5000)})
	cut := filepath.Join(dir, "cut.tar.gz")
	os.WriteFile(cut, good[:len(good)/2], 0o644)
	if err := Extract(cut, filepath.Join(dir, "out")); err == nil || !strings.Contains(err.Error(), "cut.tar.gz") {
		t.Errorf("truncated: error %v", err)
	}
	if err := Extract(filepath.Join(dir, "x.rar"), dir); err == nil || !strings.Contains(err.Error(), "unknown archive type") {
		t.Errorf("rar: error %v", err)
	}
}
