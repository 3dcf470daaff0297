package coco

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// Image is one entry of "images".
type Image struct {
	ID       int    `json:"id"`
	FileName string `json:"file_name"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
}

// Category is one entry of "categories".
type Category struct {
	ID            int    `json:"id"`
	Name          string `json:"name"`
	Supercategory string `json:"supercategory"`
}

// Annotation is one entry of "annotations", reduced to what label sets need.
type Annotation struct {
	ImageID    int `json:"image_id"`
	CategoryID int `json:"category_id"`
	IsCrowd    int `json:"iscrowd"`
}

// Instances is a decoded instances_*.json file.
type Instances struct {
	Images      []Image      `json:"images"`
	Categories  []Category   `json:"categories"`
	Annotations []Annotation `json:"annotations"`
}

// Decode reads an instances JSON stream and checks that every annotation names a
// known image and category; name is used in errors.
func Decode(r io.Reader, name string) (*Instances, error) {
	var in Instances
	if err := json.NewDecoder(r).Decode(&in); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("coco: %s: truncated JSON", name)
		}
		return nil, fmt.Errorf("coco: %s: %v", name, err)
	}
	if len(in.Images) == 0 || len(in.Categories) == 0 {
		return nil, fmt.Errorf("coco: %s: no \"images\" or no \"categories\": not a COCO instances file", name)
	}
	images := map[int]bool{}
	for _, im := range in.Images {
		if im.FileName == "" {
			return nil, fmt.Errorf("coco: %s: image %d has no file_name", name, im.ID)
		}
		images[im.ID] = true
	}
	cats := map[int]bool{}
	for _, c := range in.Categories {
		cats[c.ID] = true
	}
	for i, a := range in.Annotations {
		if !images[a.ImageID] {
			return nil, fmt.Errorf("coco: %s: annotation %d refers to unknown image %d", name, i, a.ImageID)
		}
		if !cats[a.CategoryID] {
			return nil, fmt.Errorf("coco: %s: annotation %d refers to unknown category %d", name, i, a.CategoryID)
		}
	}
	return &in, nil
}

// ReadFile decodes an instances JSON file.
func ReadFile(path string) (*Instances, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("coco: %w", err)
	}
	defer f.Close()
	return Decode(f, filepath.Base(path))
}

// LabelSets maps each annotated image id to the sorted distinct category ids of its
// annotations (crowd annotations included: they still show the category).
func (in *Instances) LabelSets() map[int][]int {
	out := map[int][]int{}
	for _, a := range in.Annotations {
		if !slices.Contains(out[a.ImageID], a.CategoryID) {
			out[a.ImageID] = append(out[a.ImageID], a.CategoryID)
		}
	}
	for id := range out {
		slices.Sort(out[id])
	}
	return out
}

// CategoryID returns the id of the category with the given name.
func (in *Instances) CategoryID(name string) (int, error) {
	for _, c := range in.Categories {
		if c.Name == name {
			return c.ID, nil
		}
	}
	return 0, fmt.Errorf("coco: no category named %q", name)
}
