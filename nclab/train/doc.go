// Package train trains a models.Model on a data.Set with nclab's losses and
// tracks neural collapse while it trains.
//
//   - Objective (METHOD.md §2): mean PAL / PAL-N / OvA loss over the batch
//     (package loss) plus the feature penalty lambda_h * sum_i ||h_i||^2 over
//     the batch, as the reference code.
//   - Optimiser (METHOD.md §7): SGD with momentum and weight decay on every
//     trainable parameter, PyTorch semantics ([SGDMomentumStep]: v = mu v + g +
//     wd p, p -= lr v), learning rate cosine-annealed per epoch to lr/1000
//     ([CosineLR]). GoMLX has no momentum SGD, hence ours.
//   - [Trainer]: seeded (weights and the per-epoch batch order, [EpochOrder]),
//     float32; every TrackEvery epochs it measures collapse metrics on the
//     training features and multi-label metrics on train and test
//     ([Trainer.Track]), calls a callback (live plots), appends to log.jsonl and
//     saves a checkpoint; a resumed run reproduces an uninterrupted one exactly.
//     A non-finite objective stops it with an error naming the last good
//     checkpoint.
//   - Presets ([Preset]): "paper" is METHOD.md §7 (ResNet18, 200 epochs; for a
//     GPU). "quick" is a small CNN (32-64-128, BN, max-pools, global average
//     pooling) on the quick M-lab MNIST with the 56x56 canvas average-pooled to
//     28x28, batch 64, lr 0.1, weight decay 5e-4, feature penalty 1e-4, 15
//     epochs. Measured with `nclab train` (quick preset) on this 2-core machine
//     under a load average of ~8 (two other trainings running): 4 min 14 s; NC1
//     18.2 -> 0.287 (63x down from the first tracked epoch) but the two-label
//     angle ratio only 0.99 -> 0.31 (3.2x): the angle ratio needs the terminal
//     phase of training, which a CPU budget of minutes does not reach (feature
//     penalty 1e-3: NC1 294x, angle 3.7x; conv+MLP models without global
//     pooling: angle ratio stuck near 0.45-0.65).
//   - Run directory (read by `nclab decode --run` and the notebooks):
//     summary.json, log.jsonl, {train,test}_{features,labels,logits}.npy,
//     classifier_w.npy (K x d), classifier_b.npy, checkpoint/.
package train
