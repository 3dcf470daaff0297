package decode

import "github.com/nclab/nclab/nclab/labelset"

// samplesF1 is the sample-averaged F1, mean_i 2|S_i ∩ Ŝ_i| / (|S_i| + |Ŝ_i|), used to
// tune the OvA threshold (an empty prediction scores 0).
func samplesF1(truth, pred []labelset.Set) float64 {
	var sum float64
	for i, s := range truth {
		inter := 0
		for _, c := range pred[i] {
			if s.Contains(c) {
				inter++
			}
		}
		sum += 2 * float64(inter) / float64(len(s)+len(pred[i]))
	}
	return sum / float64(len(truth))
}
