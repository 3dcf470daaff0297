package coco

import (
	"slices"
	"strings"
	"testing"
)

const tiny = `{"info": {"year": 2017}, "licenses": [],
 "images": [{"id": 1, "file_name": "000000000001.jpg", "width": 640, "height": 480},
            {"id": 2, "file_name": "000000000002.jpg", "width": 640, "height": 480},
            {"id": 3, "file_name": "000000000003.jpg", "width": 640, "height": 480}],
 "annotations": [{"id": 10, "image_id": 1, "category_id": 3, "iscrowd": 0, "bbox": [1,2,3,4], "segmentation": [[1,2,3,4]]},
                 {"id": 11, "image_id": 1, "category_id": 8, "iscrowd": 1, "segmentation": {"counts": [1, 2], "size": [480, 640]}},
                 {"id": 12, "image_id": 1, "category_id": 3, "iscrowd": 0},
                 {"id": 13, "image_id": 2, "category_id": 7, "iscrowd": 0}],
 "categories": [{"id": 3, "name": "car", "supercategory": "vehicle"},
                {"id": 7, "name": "train", "supercategory": "vehicle"},
                {"id": 8, "name": "truck", "supercategory": "vehicle"}]}`

// Image 1 has two cars and a (crowd) truck: label set {3, 8}; image 2 a train: {7};
// image 3 no annotation: absent.
func TestDecodeAndLabelSets(t *testing.T) {
	in, err := Decode(strings.NewReader(tiny), "instances.json")
	if err != nil {
		t.Fatal(err)
	}
	sets := in.LabelSets()
	if !slices.Equal(sets[1], []int{3, 8}) || !slices.Equal(sets[2], []int{7}) || len(sets) != 2 {
		t.Errorf("label sets %v", sets)
	}
	if id, err := in.CategoryID("truck"); id != 8 || err != nil {
		t.Errorf("truck id %d, %v", id, err)
	}
	if _, err := in.CategoryID("zebra"); err == nil {
		t.Error("unknown category found")
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, c := range []struct{ content, want string }{
		{tiny[:200], "truncated JSON"},
		{`{"images": [], "categories": []}`, "not a COCO instances file"},
		{strings.Replace(tiny, `"image_id": 2`, `"image_id": 9`, 1), "unknown image 9"},
		{strings.Replace(tiny, `"category_id": 7`, `"category_id": 99`, 1), "unknown category 99"},
		{`[1, 2]`, "cannot unmarshal"},
	} {
		_, err := Decode(strings.NewReader(c.content), "instances.json")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "instances.json") {
			t.Errorf("error %v, want one naming instances.json and saying %q", err, c.want)
		}
	}
}
