package data

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/nclab/nclab/data/coco"
	"github.com/nclab/nclab/nclab/labelset"
)

// EnvCOCO names the folder holding COCO 2017 (annotations/, train2017/, val2017/).
const EnvCOCO = "NCLAB_COCO_DIR"

// COCOURLs are the official downloads: the annotations and the two image archives.
var COCOURLs = []string{
	"http://images.cocodataset.org/annotations/annotations_trainval2017.zip",
	"http://images.cocodataset.org/zips/train2017.zip",
	"http://images.cocodataset.org/zips/val2017.zip",
}

// COCOClasses is the number of classes of the COCO subset (METHOD.md §6).
const COCOClasses = 50

// COCOVehicles are the three classes of the paper's Figure 6 subset.
var COCOVehicles = []string{"car", "train", "truck"}

// COCODir returns $NCLAB_COCO_DIR, or an error saying where to get the data.
func COCODir() (string, error) {
	if d := os.Getenv(EnvCOCO); d != "" {
		return d, nil
	}
	return "", errors.New("data: COCO 2017 not found: download " + COCOURLs[0] + ", " + COCOURLs[1] + " and " + COCOURLs[2] +
		", unzip them into one folder (giving annotations/instances_train2017.json, annotations/instances_val2017.json, " +
		"train2017/ and val2017/), and pass it as --source DIR or set " + EnvCOCO)
}

// readCOCO reads both splits' annotations from dir.
func readCOCO(dir string) (train, val *coco.Instances, err error) {
	if train, err = coco.ReadFile(filepath.Join(dir, "annotations", "instances_train2017.json")); err != nil {
		return nil, nil, fmt.Errorf("data: %w (see nclab data build -h for where COCO goes)", err)
	}
	if val, err = coco.ReadFile(filepath.Join(dir, "annotations", "instances_val2017.json")); err != nil {
		return nil, nil, fmt.Errorf("data: %w", err)
	}
	return train, val, nil
}

// coco50Photos lists the photos of the 50-class COCO subset. The paper does not list
// its 50 classes; ours are the 50 categories with the most single-category training
// images (ties: smaller id), so that multiplicity 1 can be balanced; class c is the
// c-th of them in id order. An image is kept when all its categories are among the 50
// (the label sets are complete, not truncated).
func coco50Photos(dir string) (train, test []photo, k int, err error) {
	tr, val, err := readCOCO(dir)
	if err != nil {
		return nil, nil, 0, err
	}
	trSets := tr.LabelSets()
	singles := map[int]int{}
	for _, cats := range trSets {
		if len(cats) == 1 {
			singles[cats[0]]++
		}
	}
	ids := make([]int, 0, len(tr.Categories))
	for _, c := range tr.Categories {
		ids = append(ids, c.ID)
	}
	if len(ids) < COCOClasses {
		return nil, nil, 0, fmt.Errorf("data: COCO in %s has %d categories, the subset needs %d", dir, len(ids), COCOClasses)
	}
	slices.SortFunc(ids, func(a, b int) int { return cmp.Or(cmp.Compare(singles[b], singles[a]), cmp.Compare(a, b)) })
	chosen := slices.Sorted(slices.Values(ids[:COCOClasses]))
	classOf := map[int]int{}
	for c, id := range chosen {
		classOf[id] = c
	}
	pick := func(in *coco.Instances, sets map[int][]int, folder string) []photo {
		var out []photo
		for _, im := range in.Images {
			cats := sets[im.ID]
			if len(cats) == 0 {
				continue
			}
			classes := make([]int, 0, len(cats))
			for _, id := range cats {
				c, ok := classOf[id]
				if !ok {
					classes = nil
					break
				}
				classes = append(classes, c)
			}
			if classes != nil {
				out = append(out, photo{path: filepath.Join(dir, folder, im.FileName), set: labelset.MustNew(COCOClasses, classes...)})
			}
		}
		return out
	}
	return pick(tr, trSets, "train2017"), pick(val, val.LabelSets(), "val2017"), COCOClasses, nil
}

// cocoVehiclePhotos lists the photos of the car/train/truck subset (the paper's
// Figure 6): label set = the image's categories among car, train, truck (classes 0, 1,
// 2), other objects ignored; images with none of the three are dropped.
func cocoVehiclePhotos(dir string) (train, test []photo, k int, err error) {
	tr, val, err := readCOCO(dir)
	if err != nil {
		return nil, nil, 0, err
	}
	pick := func(in *coco.Instances, folder string) ([]photo, error) {
		classOf := map[int]int{}
		for c, name := range COCOVehicles {
			id, err := in.CategoryID(name)
			if err != nil {
				return nil, fmt.Errorf("data: COCO vehicles: %w", err)
			}
			classOf[id] = c
		}
		sets := in.LabelSets()
		var out []photo
		for _, im := range in.Images {
			var classes []int
			for _, id := range sets[im.ID] {
				if c, ok := classOf[id]; ok {
					classes = append(classes, c)
				}
			}
			if len(classes) > 0 {
				out = append(out, photo{path: filepath.Join(dir, folder, im.FileName), set: labelset.MustNew(len(COCOVehicles), classes...)})
			}
		}
		return out, nil
	}
	if train, err = pick(tr, "train2017"); err != nil {
		return nil, nil, 0, err
	}
	if test, err = pick(val, "val2017"); err != nil {
		return nil, nil, 0, err
	}
	return train, test, len(COCOVehicles), nil
}
