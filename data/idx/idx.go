package idx

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// TypeUint8 is the IDX type code of unsigned bytes, the only one supported.
const TypeUint8 = 0x08

// maxValues bounds the payload a header may announce (4 GiB); the reader
// allocates only as the payload arrives, so a header larger than its file
// costs nothing.
const maxValues = 1 << 32

// Array is the content of an IDX file: its dimensions and its values in row-major order.
type Array struct {
	Dims []int
	Data []uint8
}

// ReadFile reads an IDX file, raw or gzip-compressed. Errors name the file.
func ReadFile(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("idx: %w", err)
	}
	defer f.Close()
	return Read(f, filepath.Base(path))
}

// Read reads an IDX stream, raw or gzip-compressed; name is used in error messages.
func Read(r io.Reader, name string) (*Array, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, err := br.Peek(2)
	if err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("idx: %s: bad gzip header: %v", name, err)
		}
		defer gz.Close()
		return readRaw(gz, name)
	}
	return readRaw(br, name)
}

func readRaw(r io.Reader, name string) (*Array, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, fmt.Errorf("idx: %s: file too short for the 4-byte IDX magic: %v", name, readErr(err))
	}
	if head[0] != 0 || head[1] != 0 {
		return nil, fmt.Errorf("idx: %s: not an IDX file (magic % x, want 00 00 <type> <ndims>)", name, head)
	}
	if head[2] != TypeUint8 {
		return nil, fmt.Errorf("idx: %s: element type 0x%02x not supported (only 0x08, unsigned byte)", name, head[2])
	}
	nd := int(head[3])
	if nd == 0 {
		return nil, fmt.Errorf("idx: %s: header declares 0 dimensions", name)
	}
	dimBytes := make([]byte, 4*nd)
	if _, err := io.ReadFull(r, dimBytes); err != nil {
		return nil, fmt.Errorf("idx: %s: header declares %d dimensions but is truncated: %v", name, nd, readErr(err))
	}
	dims := make([]int, nd)
	total := 1
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(dimBytes[4*i:]))
		if dims[i] != 0 && total > maxValues/dims[i] {
			return nil, fmt.Errorf("idx: %s: header announces more than %d values: corrupt header?", name, maxValues)
		}
		total *= dims[i]
	}
	// The payload is read as it comes, so memory follows the bytes the file
	// really holds, never the size its header claims.
	var buf bytes.Buffer
	buf.Grow(min(total, 1<<20))
	n, err := buf.ReadFrom(io.LimitReader(r, int64(total)))
	if err != nil {
		return nil, fmt.Errorf("idx: %s: corrupt payload: %v", name, readErr(err))
	}
	if n < int64(total) {
		return nil, fmt.Errorf("idx: %s: header says %s (%d bytes), file holds %d: truncated or corrupt header", name, shape(dims), total, n)
	}
	data := buf.Bytes()
	// Anything after the payload means the header and the file disagree.
	// A gzip checksum failure also surfaces only here, at the end of the stream.
	extra, err := io.Copy(io.Discard, r)
	if err != nil {
		return nil, fmt.Errorf("idx: %s: corrupt after the %d-byte payload: %v", name, total, err)
	}
	if extra > 0 {
		return nil, fmt.Errorf("idx: %s: header says %s (%d bytes), file holds %d more bytes", name, shape(dims), total, extra)
	}
	return &Array{Dims: dims, Data: data}, nil
}

func readErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("unexpected end of file")
	}
	return err
}

func shape(dims []int) string {
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = fmt.Sprint(d)
	}
	return strings.Join(s, "x")
}

// Encode writes a in the IDX format (uncompressed). Tests use it to write fixtures.
func Encode(w io.Writer, a *Array) error {
	var buf bytes.Buffer
	buf.Write([]byte{0, 0, TypeUint8, byte(len(a.Dims))})
	n := 1
	for _, d := range a.Dims {
		binary.Write(&buf, binary.BigEndian, uint32(d))
		n *= d
	}
	if n != len(a.Data) {
		return fmt.Errorf("idx: dims %s need %d values, have %d", shape(a.Dims), n, len(a.Data))
	}
	buf.Write(a.Data)
	_, err := w.Write(buf.Bytes())
	return err
}
