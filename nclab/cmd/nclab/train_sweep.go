package main

import (
	"flag"
	"fmt"

	"github.com/nclab/nclab/nclab/train"
)

// sweepFlags are the knobs of the Figure 3 sweep (METHOD.md §5, subspace
// split) that the other train flags cannot express: batch norm before the
// head, and weight decay or feature penalty switched off explicitly.
type sweepFlags struct {
	headBN, noWD bool
}

func addSweepFlags(fs *flag.FlagSet) *sweepFlags {
	s := &sweepFlags{}
	fs.BoolVar(&s.headBN, "head-bn", false, "batch norm (affine, no ReLU) on the features before the head")
	fs.BoolVar(&s.noWD, "no-wd", false, "no weight decay (the same as --wd 0)")
	return s
}

// apply sets the knobs on cfg; wd is the --wd value, which --no-wd contradicts.
func (s *sweepFlags) apply(cfg *train.Config, wd float64) error {
	if s.noWD && wd != 0 {
		return fmt.Errorf("--no-wd and --wd %g contradict each other", wd)
	}
	if s.noWD {
		cfg.WeightDecay = -1 // train.Config: negative is none
	}
	if s.headBN {
		cfg.Model.HeadBatchNorm = true
	}
	return nil
}
