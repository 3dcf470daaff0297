package svhn

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nclab/nclab/nclab/labelset"
)

// CSVFile is the label file expected in each split folder.
const CSVFile = "digits.csv"

// K is the number of classes of M-lab SVHN: digits 1..9 (images with a 0 are dropped,
// METHOD.md §6); digit d is class d-1.
const K = 9

// Record is one image: its file name and its digits, left to right.
type Record struct {
	Name   string
	Digits []int
}

// LabelSet is the M-lab SVHN label set of a house number: the distinct digits, as
// classes digit-1. ok is false when the number contains a 0 (such images are dropped).
func (r Record) LabelSet() (s labelset.Set, ok bool) {
	classes := make([]int, 0, len(r.Digits))
	for _, d := range r.Digits {
		if d == 0 {
			return nil, false
		}
		if !containsInt(classes, d-1) {
			classes = append(classes, d-1)
		}
	}
	s, err := labelset.New(K, classes...)
	return s, err == nil
}

func containsInt(xs []int, v int) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

// ReadCSV reads "name,digits" records (with that header line); name is used in errors.
func ReadCSV(r io.Reader, name string) ([]Record, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 2
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("svhn: %s: %v", name, emptyOr(err))
	}
	if strings.TrimSpace(head[0]) != "name" || strings.TrimSpace(head[1]) != "digits" {
		return nil, fmt.Errorf("svhn: %s: header %q, want \"name,digits\"", name, strings.Join(head, ","))
	}
	var out []Record
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("svhn: %s: %v", name, err)
		}
		r := Record{Name: strings.TrimSpace(rec[0])}
		digits := strings.TrimSpace(rec[1])
		if r.Name == "" || digits == "" {
			return nil, fmt.Errorf("svhn: %s line %d: empty name or digits", name, line)
		}
		if r.Name != filepath.Base(r.Name) || r.Name == "." || r.Name == ".." || strings.ContainsRune(r.Name, '\\') {
			return nil, fmt.Errorf("svhn: %s line %d: image name %q is not a file name of the split folder", name, line, r.Name)
		}
		for _, c := range digits {
			if c < '0' || c > '9' {
				return nil, fmt.Errorf("svhn: %s line %d: digits %q: %q is not 0-9", name, line, digits, c)
			}
			r.Digits = append(r.Digits, int(c-'0'))
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("svhn: %s: no records", name)
	}
	return out, nil
}

func emptyOr(err error) error {
	if err == io.EOF {
		return errors.New("empty file")
	}
	return err
}

// WriteCSV writes records in the form ReadCSV reads.
func WriteCSV(w io.Writer, records []Record) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"name", "digits"})
	for _, r := range records {
		var b strings.Builder
		for _, d := range r.Digits {
			b.WriteByte(byte('0' + d))
		}
		cw.Write([]string{r.Name, b.String()})
	}
	cw.Flush()
	return cw.Error()
}

// ReadSplit reads dir/digits.csv. When only digitStruct.mat is there, the error says
// how to convert it.
func ReadSplit(dir string) ([]Record, error) {
	p := filepath.Join(dir, CSVFile)
	f, err := os.Open(p)
	if err != nil {
		if _, matErr := os.Stat(filepath.Join(dir, "digitStruct.mat")); matErr == nil {
			return nil, fmt.Errorf("svhn: %s has digitStruct.mat but no %s: convert it with "+
				"python3 data/svhn/digitstruct_to_csv.py %s > %s (needs h5py)",
				dir, CSVFile, filepath.Join(dir, "digitStruct.mat"), p)
		}
		return nil, fmt.Errorf("svhn: %w", err)
	}
	defer f.Close()
	return ReadCSV(f, p)
}
