package data

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/nclab/nclab/nclab/labelset"
)

// FormatVersion is the version of the on-disk set format and of the builders: it is
// part of every cache key, so changing either invalidates old cache entries.
const FormatVersion = 1

// EnvCache names the cache folder; see DefaultCacheDir.
const EnvCache = "NCLAB_CACHE"

// File names inside a built-set folder (a cache entry, or nclab data build --out DIR).
const (
	TrainFile    = "train.nclab"
	TestFile     = "test.nclab"
	ManifestFile = "manifest.json"
)

// magic opens every .nclab file.
var magic = [8]byte{'N', 'C', 'L', 'A', 'B', 'S', 'E', 'T'}

// DefaultCacheDir is $NCLAB_CACHE when set, else <user cache dir>/nclab
// (~/.cache/nclab on Linux), else <temp dir>/nclab-cache.
func DefaultCacheDir() string {
	if d := os.Getenv(EnvCache); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "nclab")
	}
	return filepath.Join(os.TempDir(), "nclab-cache")
}

// Manifest describes a built-set folder.
type Manifest struct {
	FormatVersion int         `json:"format_version"`
	Dataset       string      `json:"dataset"`
	Preset        string      `json:"preset"`
	Imbalance     string      `json:"imbalance,omitempty"`
	Seed          int64       `json:"seed"`
	TrainCounts   map[int]int `json:"train_counts"`
	TestCounts    map[int]int `json:"test_counts"`
	SourceDir     string      `json:"source_dir,omitempty"`
	TrainSHA256   string      `json:"train_sha256,omitempty"`
	TestSHA256    string      `json:"test_sha256,omitempty"`
}

func manifestOf(r Recipe) Manifest {
	return Manifest{FormatVersion: FormatVersion, Dataset: r.Dataset, Preset: r.Preset, Imbalance: r.Imbalance,
		Seed: r.Seed, TrainCounts: r.Counts.Train, TestCounts: r.Counts.Test, SourceDir: r.SourceDir}
}

// CacheKey is the folder name of a recipe's cache entry: readable fields plus the
// first 16 hex digits of the SHA-256 of the recipe's manifest (format version,
// dataset, preset, imbalance, seed, resolved counts, source folder).
func CacheKey(r Recipe) (string, error) {
	r, err := r.normalized()
	if err != nil {
		return "", err
	}
	b, _ := json.Marshal(manifestOf(r)) // map keys are sorted: canonical
	sum := sha256.Sum256(b)
	imb := ""
	if r.Imbalance != "" {
		imb = "-" + sanitize(r.Imbalance)
	}
	return fmt.Sprintf("%s-%s%s-seed%d-%s", r.Dataset, r.Preset, imb, r.Seed, hex.EncodeToString(sum[:8])), nil
}

func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			b[i] = '_'
		}
	}
	return string(b)
}

// Load returns the train and test sets of a recipe, from the cache when an entry for
// the recipe exists (r.CacheDir, default DefaultCacheDir()), else by Build, then
// saved to the cache. A corrupt cache entry is rebuilt.
func Load(r Recipe) (train, test *Set, err error) {
	key, err := CacheKey(r)
	if err != nil {
		return nil, nil, err
	}
	cache := r.CacheDir
	if cache == "" {
		cache = DefaultCacheDir()
	}
	dir := filepath.Join(cache, key)
	want, err := r.normalized()
	if err != nil {
		return nil, nil, err
	}
	var m *Manifest
	if train, test, m, err = ReadDir(dir); err == nil {
		if err = m.sameRecipe(manifestOf(want)); err == nil {
			return train, test, nil
		}
	}
	// A missing, corrupt or foreign entry (say, copied in from another build)
	// is rebuilt.
	if train, test, err = Build(r); err != nil {
		return nil, nil, err
	}
	if err := nonEmpty(train, test); err != nil {
		return nil, nil, err
	}
	if err := WriteDir(dir, r, train, test); err != nil {
		return nil, nil, fmt.Errorf("data: built the sets but could not cache them: %w", err)
	}
	return train, test, nil
}

// WriteDir saves train and test with the recipe's manifest into dir (created if
// needed). Files are written under temporary names and renamed, so a folder never
// holds a half-written set.
func WriteDir(dir string, r Recipe, train, test *Set) error {
	r, err := r.normalized()
	if err != nil {
		return err
	}
	if err := nonEmpty(train, test); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	m := manifestOf(r)
	m.TrainSHA256, m.TestSHA256 = train.SHA256(), test.SHA256()
	mb, _ := json.MarshalIndent(m, "", "  ")
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{TrainFile, train.Encode},
		{TestFile, test.Encode},
		{ManifestFile, func(w io.Writer) error { _, err := w.Write(append(mb, '\n')); return err }},
	}
	for _, f := range files {
		if err := writeAtomic(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	return nil
}

func writeAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	bw := bufio.NewWriterSize(tmp, 1<<20)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("data: writing %s: %w", path, err)
	}
	return nil
}

// ReadDir loads a built-set folder written by WriteDir (or nclab data build --out).
func ReadDir(dir string) (train, test *Set, m *Manifest, err error) {
	mb, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil, fmt.Errorf("data: %s is not a built data folder (no %s; make one with nclab data build --out DIR)", dir, ManifestFile)
		}
		return nil, nil, nil, fmt.Errorf("data: %w", err)
	}
	m = &Manifest{}
	if err := json.Unmarshal(mb, m); err != nil {
		return nil, nil, nil, fmt.Errorf("data: %s: %w", filepath.Join(dir, ManifestFile), err)
	}
	if m.FormatVersion != FormatVersion {
		return nil, nil, nil, fmt.Errorf("data: %s has format version %d, this build reads %d: rebuild it", dir, m.FormatVersion, FormatVersion)
	}
	if train, err = ReadSetFile(filepath.Join(dir, TrainFile)); err != nil {
		return nil, nil, nil, err
	}
	if test, err = ReadSetFile(filepath.Join(dir, TestFile)); err != nil {
		return nil, nil, nil, err
	}
	for _, c := range []struct {
		file, want string
		set        *Set
	}{{TrainFile, m.TrainSHA256, train}, {TestFile, m.TestSHA256, test}} {
		if got := c.set.SHA256(); got != c.want {
			return nil, nil, nil, fmt.Errorf("data: %s: SHA-256 %.16s… of its data, the manifest says %.16s… (a file from another build?): rebuild the folder",
				filepath.Join(dir, c.file), got, c.want)
		}
	}
	if err := nonEmpty(train, test); err != nil {
		return nil, nil, nil, fmt.Errorf("%w (in %s)", err, dir)
	}
	return train, test, m, nil
}

// nonEmpty refuses a built split without samples.
func nonEmpty(train, test *Set) error {
	for _, s := range []*Set{train, test} {
		if s == nil || s.Len() == 0 {
			name := "a split"
			if s != nil {
				name = s.Name
			}
			return fmt.Errorf("data: %s has no samples: check the counts of the recipe", name)
		}
	}
	return nil
}

// sameRecipe reports, as an error naming them, the recipe fields in which m
// differs from want (checksums aside).
func (m *Manifest) sameRecipe(want Manifest) error {
	got := *m
	got.TrainSHA256, got.TestSHA256 = "", ""
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	if !bytes.Equal(a, b) {
		return fmt.Errorf("data: the cached manifest %s is not the recipe's %s", a, b)
	}
	return nil
}

// header is the JSON header of a .nclab file.
type header struct {
	Name  string    `json:"name"`
	K     int       `json:"k"`
	N     int       `json:"n"`
	Shape [3]int    `json:"image_shape"`
	Mean  []float32 `json:"mean,omitempty"`
	Std   []float32 `json:"std,omitempty"`
}

// Encode writes the set in the .nclab format: the 8-byte magic "NCLABSET", a
// little-endian uint32 format version, a uint32 length and a JSON header (name, k, n,
// image_shape, mean, std), the labels (per image a uint16 count m, then m uint16
// classes), the pixel bytes (NHWC), and the SHA-256 of everything before it.
func (s *Set) Encode(w io.Writer) error {
	if err := s.Validate(); err != nil {
		return err
	}
	h := sha256.New()
	mw := io.MultiWriter(w, h)
	hb, _ := json.Marshal(header{Name: s.Name, K: s.K, N: s.Len(), Shape: [3]int{s.Height, s.Width, s.Channels}, Mean: s.Mean, Std: s.Std})
	var buf bytes.Buffer
	buf.Write(magic[:])
	binary.Write(&buf, binary.LittleEndian, uint32(FormatVersion))
	binary.Write(&buf, binary.LittleEndian, uint32(len(hb)))
	buf.Write(hb)
	for _, l := range s.Labels {
		binary.Write(&buf, binary.LittleEndian, uint16(len(l)))
		for _, c := range l {
			binary.Write(&buf, binary.LittleEndian, uint16(c))
		}
	}
	if _, err := mw.Write(buf.Bytes()); err != nil {
		return err
	}
	if _, err := mw.Write(s.Pixels); err != nil {
		return err
	}
	_, err := w.Write(h.Sum(nil))
	return err
}

// ReadSetFile reads a .nclab file, checking its checksum; errors name the file.
func ReadSetFile(path string) (*Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	s, err := decodeSet(b)
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", path, err)
	}
	return s, nil
}

func decodeSet(b []byte) (*Set, error) {
	const fixed = len(magic) + 8
	if len(b) < fixed+sha256.Size || !bytes.Equal(b[:len(magic)], magic[:]) {
		return nil, errors.New("not a .nclab set file (bad magic or too short)")
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, errors.New("checksum mismatch: the file is truncated or corrupt (delete it to rebuild)")
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != FormatVersion {
		return nil, fmt.Errorf("format version %d, this build reads %d", v, FormatVersion)
	}
	hl := int(binary.LittleEndian.Uint32(b[12:]))
	if fixed+hl > len(body) {
		return nil, errors.New("header length past the end of the file")
	}
	var h header
	if err := json.Unmarshal(body[fixed:fixed+hl], &h); err != nil {
		return nil, fmt.Errorf("bad header: %w", err)
	}
	// Each image takes at least 2 label bytes: a count past that is refused
	// before anything is allocated.
	if h.N < 0 || h.N > (len(body)-fixed-hl)/2 {
		return nil, fmt.Errorf("header claims %d images for %d bytes of labels and pixels", h.N, len(body)-fixed-hl)
	}
	per := 1
	for _, d := range h.Shape {
		if d < 1 || per > len(body)/d {
			return nil, fmt.Errorf("header's image shape %v does not fit the file's %d bytes", h.Shape, len(b))
		}
		per *= d
	}
	s := &Set{Name: h.Name, K: h.K, Height: h.Shape[0], Width: h.Shape[1], Channels: h.Shape[2], Mean: h.Mean, Std: h.Std,
		Labels: make([]labelset.Set, h.N)}
	rest := body[fixed+hl:]
	for i := range h.N {
		if len(rest) < 2 {
			return nil, fmt.Errorf("labels end at image %d of %d", i, h.N)
		}
		m := int(binary.LittleEndian.Uint16(rest))
		if len(rest) < 2+2*m {
			return nil, fmt.Errorf("labels end at image %d of %d", i, h.N)
		}
		l := make(labelset.Set, m)
		for j := range l {
			l[j] = int(binary.LittleEndian.Uint16(rest[2+2*j:]))
		}
		s.Labels[i] = l
		rest = rest[2+2*m:]
	}
	if h.N > 0 && per > len(rest)/h.N {
		return nil, fmt.Errorf("%d images of %v need more than the %d pixel bytes left", h.N, h.Shape, len(rest))
	}
	s.Pixels = rest
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}
