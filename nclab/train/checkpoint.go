package train

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// A checkpoint file (checkpoint/epoch-NNNNNNN.ckpt) holds every variable of the
// model store (weights, batch-norm statistics, momentum buffers) after a
// tracked epoch:
//
//	"NCLABCKP" | uint64 header length | JSON checkpointHeader | raw variable bytes | SHA-256 of all before
//
// It is written to a temporary name and renamed, so a crash leaves either the
// whole file or none; the digest catches a file damaged afterwards.
const (
	checkpointMagic  = "NCLABCKP"
	checkpointPrefix = "epoch-"
	checkpointSuffix = ".ckpt"
	checkpointKeep   = 2 // checkpoints kept: the newest and one to fall back to
)

type checkpointHeader struct {
	Epoch     int                  `json:"epoch"`
	Variables []checkpointVariable `json:"variables"`
}

type checkpointVariable struct {
	Path  string `json:"path"`
	Shape string `json:"shape"`
	Bytes int    `json:"bytes"`
}

func checkpointName(epoch int) string {
	return fmt.Sprintf("%s%07d%s", checkpointPrefix, epoch, checkpointSuffix)
}

// listCheckpoints returns the checkpoint files of dir, newest (highest epoch) first.
func listCheckpoints(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && strings.HasPrefix(n, checkpointPrefix) && strings.HasSuffix(n, checkpointSuffix) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	slices.Reverse(names)
	return names, nil
}

// saveCheckpoint writes the store's variables as the checkpoint of epoch into
// dir (temporary file, then rename) and removes all but the newest
// checkpointKeep checkpoints.
func saveCheckpoint(store *model.Store, dir string, epoch int) error {
	hdr := checkpointHeader{Epoch: epoch}
	var payload bytes.Buffer
	for v := range store.IterVariables() {
		value, err := v.Value()
		if err != nil {
			return fmt.Errorf("train: checkpoint: variable %s: %w", v.Path(), err)
		}
		n := 0
		if err := value.ConstBytes(func(b []byte) { n, _ = payload.Write(b) }); err != nil {
			return fmt.Errorf("train: checkpoint: variable %s: %w", v.Path(), err)
		}
		hdr.Variables = append(hdr.Variables, checkpointVariable{Path: v.Path(), Shape: v.Shape().String(), Bytes: n})
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	var file bytes.Buffer
	file.WriteString(checkpointMagic)
	_ = binary.Write(&file, binary.LittleEndian, uint64(len(js)))
	file.Write(js)
	file.Write(payload.Bytes())
	sum := sha256.Sum256(file.Bytes())
	file.Write(sum[:])
	if err := writeFileAtomic(filepath.Join(dir, checkpointName(epoch)), file.Bytes()); err != nil {
		return err
	}
	names, err := listCheckpoints(dir)
	if err != nil {
		return err
	}
	for _, n := range names[min(checkpointKeep, len(names)):] {
		if err := os.Remove(filepath.Join(dir, n)); err != nil {
			return fmt.Errorf("train: removing an old checkpoint: %w", err)
		}
	}
	return nil
}

// loadCheckpoint reads the checkpoint file path into the store's variables and
// returns its epoch. Nothing is set unless the whole file checks out: the
// digest, and every variable of the store present with its own shape and size
// (so the sizes read are never trusted for allocation).
func loadCheckpoint(store *model.Store, path string) (int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	const fixed = len(checkpointMagic) + 8 + sha256.Size
	if len(raw) < fixed || string(raw[:len(checkpointMagic)]) != checkpointMagic {
		return 0, fmt.Errorf("%d bytes, not an nclab checkpoint (truncated or foreign)", len(raw))
	}
	body, sum := raw[:len(raw)-sha256.Size], raw[len(raw)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return 0, errors.New("SHA-256 mismatch (truncated or damaged)")
	}
	n := binary.LittleEndian.Uint64(body[len(checkpointMagic):])
	rest := body[len(checkpointMagic)+8:]
	if n > uint64(len(rest)) {
		return 0, fmt.Errorf("header of %d bytes in a %d-byte file", n, len(raw))
	}
	var hdr checkpointHeader
	if err := json.Unmarshal(rest[:n], &hdr); err != nil {
		return 0, fmt.Errorf("header: %w", err)
	}
	payload := rest[n:]
	byPath := map[string]checkpointVariable{}
	offsets := map[string]int{}
	off := 0
	for _, cv := range hdr.Variables {
		if cv.Bytes < 0 || cv.Bytes > len(payload)-off {
			return 0, fmt.Errorf("variable %s: %d bytes at offset %d of a %d-byte payload", cv.Path, cv.Bytes, off, len(payload))
		}
		byPath[cv.Path], offsets[cv.Path] = cv, off
		off += cv.Bytes
	}
	if off != len(payload) {
		return 0, fmt.Errorf("payload of %d bytes, the variables take %d", len(payload), off)
	}
	values := map[*model.Variable]*tensors.Tensor{}
	for v := range store.IterVariables() {
		cv, ok := byPath[v.Path()]
		if !ok {
			return 0, fmt.Errorf("no variable %s: a checkpoint of another model", v.Path())
		}
		if cv.Shape != v.Shape().String() {
			return 0, fmt.Errorf("variable %s has shape %s, the model %s: a checkpoint of another model", v.Path(), cv.Shape, v.Shape())
		}
		t := tensors.FromShape(v.Shape())
		var sizeErr error
		if err := t.MutableBytes(func(b []byte) {
			if len(b) != cv.Bytes {
				sizeErr = fmt.Errorf("variable %s: %d bytes, the model's takes %d", v.Path(), cv.Bytes, len(b))
				return
			}
			copy(b, payload[offsets[cv.Path]:])
		}); err != nil {
			return 0, err
		}
		if sizeErr != nil {
			return 0, sizeErr
		}
		values[v] = t
	}
	for v, t := range values {
		if err := v.SetValue(t); err != nil {
			return 0, fmt.Errorf("variable %s: %w", v.Path(), err)
		}
	}
	return hdr.Epoch, nil
}

// writeFileAtomic writes b to path through a temporary file in the same folder,
// synced and then renamed: readers see the old file or the whole new one.
func writeFileAtomic(path string, b []byte) error {
	return writeAtomic(path, func(tmp string) error { return os.WriteFile(tmp, b, 0o644) })
}

// writeAtomic has write create the file at a temporary path beside path, syncs
// it and renames it to path; on any error the temporary file is removed.
func writeAtomic(path string, write func(tmp string) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	tmp := f.Name()
	err = f.Chmod(0o644) // CreateTemp's 0600 would make the run private
	f.Close()
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("train: %w", err)
	}
	fail := func(err error) error {
		os.Remove(tmp)
		return fmt.Errorf("train: writing %s: %w", path, err)
	}
	if err := write(tmp); err != nil {
		return fail(err)
	}
	if f, err = os.Open(tmp); err != nil {
		return fail(err)
	}
	err = f.Sync()
	f.Close()
	if err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	return nil
}
