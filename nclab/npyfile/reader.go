package npyfile

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// maxHeaderLen bounds the header dictionary; NumPy's own reader refuses more than
// 10,000 bytes by default, and the headers of the dtypes read here are ~120 bytes.
const maxHeaderLen = 1 << 16

// Reader streams the rows of a 1-D or 2-D .npy array in C order as float64. Open checks
// the header and the file size before anything is allocated.
type Reader struct {
	Header
	// Rows and Cols are the matrix shape: (n, 1) for a 1-D array of length n.
	Rows, Cols int

	path     string
	f        *os.File
	br       *bufio.Reader
	kind     byte // 'f', 'i', 'u' or 'b'
	size     int  // bytes per element
	order    binary.ByteOrder
	next     int // rows read so far
	buf      []byte
	fortran2 bool // a 2-D Fortran-order array with more than one row and column
}

// Open opens a .npy file of format version 1.0, 2.0 or 3.0 holding a 1-D or 2-D array
// of dtype float16/32/64, (u)int8..64 or bool, in either byte order. It checks that the
// header is well formed and that the file holds exactly the bytes the shape and dtype
// call for; errors name the file.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npyfile: %w", err)
	}
	r, err := open(f, path)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("npyfile: %s: %w", path, err)
	}
	return r, nil
}

func open(f *os.File, path string) (*Reader, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	r := &Reader{path: path, f: f, br: bufio.NewReaderSize(f, 1<<20)}
	h, offset, err := parseHeader(r.br, info.Size())
	if err != nil {
		return nil, err
	}
	r.Header = h
	if r.kind, r.size, r.order, err = parseDType(h.DType); err != nil {
		return nil, err
	}
	switch len(h.Shape) {
	case 1:
		r.Rows, r.Cols = h.Shape[0], 1
	case 2:
		r.Rows, r.Cols = h.Shape[0], h.Shape[1]
	default:
		return nil, fmt.Errorf("array of shape %v, want 1-D or 2-D", h.Shape)
	}
	count := 1
	for _, d := range h.Shape {
		if d != 0 && count > math.MaxInt/d {
			return nil, fmt.Errorf("shape %v overflows the element count", h.Shape)
		}
		count *= d
	}
	if count > math.MaxInt/r.size {
		return nil, fmt.Errorf("shape %v of %s overflows the byte count", h.Shape, h.DType)
	}
	want := int64(count) * int64(r.size)
	if have := info.Size() - offset; have != want {
		if have < want {
			return nil, fmt.Errorf("truncated: shape %v of %s needs %d data bytes, the file has %d after its %d-byte header",
				h.Shape, h.DType, want, have, offset)
		}
		return nil, fmt.Errorf("shape %v of %s needs %d data bytes, the file has %d more after them",
			h.Shape, h.DType, want, have-want)
	}
	r.fortran2 = h.Fortran && r.Rows > 1 && r.Cols > 1
	return r, nil
}

// Close closes the file.
func (r *Reader) Close() error { return r.f.Close() }

// Next reads the next rows into dst, as many as fit (len(dst)/Cols, at least one
// row's room is needed), and returns how many; at the end it returns 0, io.EOF. A
// 2-D Fortran-order array cannot be read row by row: use ReadMatrix.
func (r *Reader) Next(dst []float64) (int, error) {
	rows, err := r.rowsFor(len(dst), "Next")
	if err != nil {
		return 0, err
	}
	n := rows * r.Cols
	if err := r.decode(dst[:n]); err != nil {
		return 0, err
	}
	r.next += rows
	return rows, nil
}

// rowsFor is how many rows the next read into room values takes, or io.EOF at the end;
// call names the method in errors.
func (r *Reader) rowsFor(room int, call string) (int, error) {
	if r.fortran2 {
		return 0, fmt.Errorf("npyfile: %s: a Fortran-order array cannot be streamed by rows (use ReadMatrix)", r.path)
	}
	if r.next == r.Rows {
		return 0, io.EOF
	}
	rows := min(room/max(r.Cols, 1), r.Rows-r.next)
	if rows == 0 {
		return 0, fmt.Errorf("npyfile: %s: %s needs room for a row of %d values, got %d", r.path, call, r.Cols, room)
	}
	return rows, nil
}

// Float32 reports whether the array holds float16 or float32 values, which NextFloat32
// reads without rounding.
func (r *Reader) Float32() bool { return r.kind == 'f' && r.size <= 4 }

// NextFloat32 is Next for a float16 or float32 array (Float32), into float32 values.
// A little-endian float32 file on a little-endian machine is read straight into dst.
func (r *Reader) NextFloat32(dst []float32) (int, error) {
	if !r.Float32() {
		return 0, fmt.Errorf("npyfile: %s: NextFloat32 reads float16 or float32, the file holds %s", r.path, r.DType)
	}
	rows, err := r.rowsFor(len(dst), "NextFloat32")
	if err != nil {
		return 0, err
	}
	out := dst[:rows*r.Cols]
	if r.size == 4 && r.order == binary.LittleEndian && nativeLittleEndian {
		// The bytes are the values: no decoding pass (at a 2,048-wide float32 row, the
		// decoding was most of reading). unsafe, for this one view of dst's memory.
		raw := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(out))), 4*len(out))
		if _, err := io.ReadFull(r.br, raw); err != nil {
			return 0, fmt.Errorf("npyfile: %s: reading %d elements of %s: %w", r.path, len(out), r.DType, err)
		}
	} else {
		nb := len(out) * r.size
		if cap(r.buf) < nb {
			r.buf = make([]byte, nb)
		}
		raw := r.buf[:nb]
		if _, err := io.ReadFull(r.br, raw); err != nil {
			return 0, fmt.Errorf("npyfile: %s: reading %d elements of %s: %w", r.path, len(out), r.DType, err)
		}
		o := r.order
		if r.size == 4 {
			for i := range out {
				out[i] = math.Float32frombits(o.Uint32(raw[4*i:]))
			}
		} else {
			for i := range out {
				out[i] = float32(halfToFloat64(o.Uint16(raw[2*i:]))) // exact: float16 fits float32
			}
		}
	}
	r.next += rows
	return rows, nil
}

// nativeLittleEndian says whether this machine stores a uint16 1 as the bytes 1, 0.
var nativeLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// decode reads len(dst) elements.
func (r *Reader) decode(dst []float64) error {
	nb := len(dst) * r.size
	if cap(r.buf) < nb {
		r.buf = make([]byte, nb)
	}
	raw := r.buf[:nb]
	if _, err := io.ReadFull(r.br, raw); err != nil {
		return fmt.Errorf("npyfile: %s: reading %d elements of %s: %w", r.path, len(dst), r.DType, err)
	}
	o := r.order
	switch int(r.kind)<<4 | r.size {
	case 'f'<<4 | 8:
		for i := range dst {
			dst[i] = math.Float64frombits(o.Uint64(raw[8*i:]))
		}
	case 'f'<<4 | 4:
		for i := range dst {
			dst[i] = float64(math.Float32frombits(o.Uint32(raw[4*i:])))
		}
	case 'f'<<4 | 2:
		for i := range dst {
			dst[i] = halfToFloat64(o.Uint16(raw[2*i:]))
		}
	case 'i'<<4 | 1:
		for i := range dst {
			dst[i] = float64(int8(raw[i]))
		}
	case 'i'<<4 | 2:
		for i := range dst {
			dst[i] = float64(int16(o.Uint16(raw[2*i:])))
		}
	case 'i'<<4 | 4:
		for i := range dst {
			dst[i] = float64(int32(o.Uint32(raw[4*i:])))
		}
	case 'i'<<4 | 8:
		for i := range dst {
			dst[i] = float64(int64(o.Uint64(raw[8*i:])))
		}
	case 'u'<<4 | 1:
		for i := range dst {
			dst[i] = float64(raw[i])
		}
	case 'u'<<4 | 2:
		for i := range dst {
			dst[i] = float64(o.Uint16(raw[2*i:]))
		}
	case 'u'<<4 | 4:
		for i := range dst {
			dst[i] = float64(o.Uint32(raw[4*i:]))
		}
	case 'u'<<4 | 8:
		for i := range dst {
			dst[i] = float64(o.Uint64(raw[8*i:]))
		}
	case 'b'<<4 | 1:
		for i, v := range raw {
			if v > 1 {
				return fmt.Errorf("npyfile: %s: bool element %d holds byte %d, want 0 or 1", r.path, r.elementIndex(i), v)
			}
			dst[i] = float64(v)
		}
	}
	return nil
}

func (r *Reader) elementIndex(i int) int { return r.next*r.Cols + i }

// halfToFloat64 converts an IEEE 754 binary16 value.
func halfToFloat64(h uint16) float64 {
	exp, frac := int(h>>10&0x1f), float64(h&0x3ff)
	var v float64
	switch exp {
	case 0: // zero and subnormals: frac 2^-24
		v = math.Ldexp(frac, -24)
	case 0x1f:
		v = math.Inf(1)
		if frac != 0 {
			v = math.NaN()
		}
	default: // (1024 + frac) 2^(exp-25)
		v = math.Ldexp(1024+frac, exp-25)
	}
	if h>>15 != 0 {
		v = -v
	}
	return v
}

// parseHeader reads the magic, version and header dictionary, and returns the header
// and the offset of the data.
func parseHeader(br *bufio.Reader, fileSize int64) (Header, int64, error) {
	var pre [8]byte
	if n, err := io.ReadFull(br, pre[:]); err != nil {
		return Header{}, 0, fmt.Errorf("not a NumPy .npy file: %d bytes, shorter than the 8-byte magic and version", n)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return Header{}, 0, fmt.Errorf("not a NumPy .npy file: starts with %q, want \"\\x93NUMPY\"", pre[:6])
	}
	major, minor := pre[6], pre[7]
	var lenBytes int
	switch {
	case major == 1 && minor == 0:
		lenBytes = 2
	case (major == 2 || major == 3) && minor == 0:
		lenBytes = 4
	default:
		return Header{}, 0, fmt.Errorf(".npy format version %d.%d, want 1.0, 2.0 or 3.0", major, minor)
	}
	var lb [4]byte
	if _, err := io.ReadFull(br, lb[:lenBytes]); err != nil {
		return Header{}, 0, fmt.Errorf("truncated header: the file ends inside the header length (version %d.0)", major)
	}
	hlen := int64(binary.LittleEndian.Uint32(lb[:]))
	offset := 8 + int64(lenBytes) + hlen
	if offset > fileSize {
		return Header{}, 0, fmt.Errorf("truncated header: it claims %d bytes, the file has %d in all", hlen, fileSize)
	}
	if hlen > maxHeaderLen {
		return Header{}, 0, fmt.Errorf("header of %d bytes, more than the %d this reader accepts", hlen, maxHeaderLen)
	}
	text := make([]byte, hlen)
	if _, err := io.ReadFull(br, text); err != nil {
		return Header{}, 0, fmt.Errorf("truncated header: %w", err)
	}
	if major == 3 {
		if !utf8.Valid(text) {
			return Header{}, 0, errors.New("version 3.0 header is not valid UTF-8")
		}
	}
	h, err := parseDict(string(text))
	if err != nil {
		return Header{}, 0, fmt.Errorf("malformed header %q: %w", abbreviate(string(text)), err)
	}
	return h, offset, nil
}

func abbreviate(s string) string {
	s = strings.TrimRight(s, " \n")
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// parseDType checks a descr string such as "<f4" and returns its kind, size and byte
// order.
func parseDType(descr string) (kind byte, size int, order binary.ByteOrder, err error) {
	bad := func() (byte, int, binary.ByteOrder, error) {
		return 0, 0, nil, fmt.Errorf("dtype %q is not supported (want float16/32/64, (u)int8..64 or bool)", descr)
	}
	if len(descr) != 3 {
		return bad()
	}
	kind = descr[1]
	switch descr[1:] {
	case "f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1":
		size = int(descr[2] - '0')
	default:
		return bad()
	}
	switch descr[0] {
	case '<':
		order = binary.LittleEndian
	case '>':
		order = binary.BigEndian
	case '|', '=':
		if size != 1 {
			return 0, 0, nil, fmt.Errorf("dtype %q: a %d-byte element needs an explicit byte order '<' or '>'", descr, size)
		}
		order = binary.LittleEndian
	default:
		return bad()
	}
	return kind, size, order, nil
}

// parseDict parses the header dictionary, a Python literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } followed by spaces and a
// newline; it needs exactly the keys descr, fortran_order and shape.
func parseDict(s string) (Header, error) {
	p := &literal{s: s}
	var h Header
	seen := map[string]bool{}
	if !p.eat('{') {
		return h, errors.New("does not start with '{'")
	}
	for !p.eat('}') {
		key, err := p.str()
		if err != nil {
			return h, fmt.Errorf("key: %w", err)
		}
		if seen[key] {
			return h, fmt.Errorf("key %q twice", key)
		}
		seen[key] = true
		if !p.eat(':') {
			return h, fmt.Errorf("no ':' after key %q", key)
		}
		switch key {
		case "descr":
			if h.DType, err = p.str(); err != nil {
				return h, fmt.Errorf("descr: %w (structured dtypes are not supported)", err)
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.Fortran = true
			case p.word("False"):
			default:
				return h, errors.New("fortran_order is neither True nor False")
			}
		case "shape":
			if h.Shape, err = p.shape(); err != nil {
				return h, fmt.Errorf("shape: %w", err)
			}
		default:
			return h, fmt.Errorf("unknown key %q", key)
		}
		if !p.eat(',') {
			if !p.eat('}') {
				return h, fmt.Errorf("no ',' or '}' after the value of %q", key)
			}
			break
		}
	}
	p.space()
	if p.i != len(p.s) {
		return h, fmt.Errorf("%q after the dictionary", abbreviate(p.s[p.i:]))
	}
	for _, key := range []string{"descr", "fortran_order", "shape"} {
		if !seen[key] {
			return h, fmt.Errorf("no %q key", key)
		}
	}
	return h, nil
}

// literal is a cursor over a Python literal.
type literal struct {
	s string
	i int
}

func (p *literal) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\t' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *literal) eat(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *literal) word(w string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

// str reads a quoted string without escapes.
func (p *literal) str() (string, error) {
	p.space()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", errors.New("want a quoted string")
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	if strings.ContainsRune(v, '\\') {
		return "", errors.New("escapes in a string")
	}
	p.i += end + 2
	return v, nil
}

// shape reads a tuple of non-negative integers: (), (n,), (a, b) or (a, b,); Python 2
// NumPy wrote long integers as 3L.
func (p *literal) shape() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("want a tuple '('")
	}
	dims := []int{}
	for {
		if p.eat(')') { // () or after a trailing comma
			return dims, nil
		}
		p.space()
		start := p.i
		if p.i < len(p.s) && p.s[p.i] == '-' {
			return nil, errors.New("negative dimension")
		}
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		if start == p.i {
			return nil, errors.New("want a dimension or ')'")
		}
		d, err := strconv.Atoi(p.s[start:p.i])
		if err != nil {
			return nil, fmt.Errorf("dimension %s overflows", p.s[start:p.i])
		}
		if p.i < len(p.s) && p.s[p.i] == 'L' {
			p.i++
		}
		dims = append(dims, d)
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, errors.New("unterminated tuple, want ',' or ')'")
			}
			if len(dims) == 1 {
				return nil, errors.New("(n) is not a tuple, want (n,)")
			}
			return dims, nil
		}
	}
}
