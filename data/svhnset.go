package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nclab/nclab/data/svhn"
)

// EnvSVHN names the folder holding SVHN format 1's train/ and test/ folders.
const EnvSVHN = "NCLAB_SVHN_DIR"

// SVHNURLs are the official downloads of SVHN format 1 (train and test archives).
var SVHNURLs = []string{"http://ufldl.stanford.edu/housenumbers/train.tar.gz", "http://ufldl.stanford.edu/housenumbers/test.tar.gz"}

// SVHNDir returns $NCLAB_SVHN_DIR, or an error saying where to get the data.
func SVHNDir() (string, error) {
	if d := os.Getenv(EnvSVHN); d != "" {
		return d, nil
	}
	return "", errors.New("data: SVHN not found: download " + SVHNURLs[0] + " and " + SVHNURLs[1] +
		", unpack both into one folder (giving train/ and test/ with N.png and digitStruct.mat), " +
		"convert each digitStruct.mat with python3 data/svhn/digitstruct_to_csv.py DIR/train/digitStruct.mat > DIR/train/digits.csv " +
		"(same for test), and pass the folder as --source DIR or set " + EnvSVHN)
}

// svhnPhotos lists the usable photos of one split: images whose house number has a 0
// are dropped, label sets are the distinct digits (K = 9, digit d = class d-1).
func svhnPhotos(dir string) ([]photo, error) {
	recs, err := svhn.ReadSplit(dir)
	if err != nil {
		return nil, fmt.Errorf("data: SVHN: %w", err)
	}
	var out []photo
	for _, r := range recs {
		if s, ok := r.LabelSet(); ok {
			out = append(out, photo{path: filepath.Join(dir, r.Name), set: s})
		}
	}
	return out, nil
}
