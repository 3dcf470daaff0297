package train

import "github.com/nclab/nclab/data"

// collapseMetrics fills NC1, Angle and Metrics. (Waiting for nclab/collapse.)
func (t *Trainer) collapseMetrics(out *Outputs, tr *Tracked) error {
	_ = out
	_ = tr
	return nil
}

// multiLabelMetrics: (waiting for nclab/multilabel).
func (t *Trainer) multiLabelMetrics(s *data.Set, out *Outputs) (map[string]any, error) {
	return nil, nil
}
