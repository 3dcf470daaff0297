// Package coco reads COCO 2017 instance annotations (Lin et al. 2014, "Microsoft COCO:
// Common Objects in Context", https://cocodataset.org): annotations/instances_train2017.json
// and instances_val2017.json from annotations_trainval2017.zip. Only what a multi-label
// image set needs is decoded: images (id, file_name), categories (id, name) and, per
// annotation, the image and category it belongs to. LabelSets turns them into the set
// of categories present in each image.
package coco
