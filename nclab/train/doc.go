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
//     GPU). "quick" is a small CNN (conv 32-64-K, BN, max-pools, global
//     average pooling) with the frozen ETF head (d = K = 10, "fix_dim") on the
//     quick M-lab MNIST with the 56x56 canvas average-pooled to 28x28, batch 64,
//     lr 0.1, weight decay 5e-4, feature penalty 1e-4, 20 epochs. Measured with
//     `nclab train --head etf --epochs 20` (= the quick preset, seed 0) on this
//     2-core machine while another training shared it (load average ~8): 4 min
//     49 s; NC1 72.4 -> 0.125 (577x down from the first tracked epoch), two-label
//     angle ratio 0.770 -> 0.0671 (11.5x). The same network with a learned head
//     and d = 128 (15 epochs, 4 min 14 s) gave NC1 63x but the angle only 3.2x
//     (30 epochs: 3.5x); with d = 10 and a learned head NC1 rose again; conv+MLP
//     models without global pooling kept the angle ratio near 0.45-0.65.
//   - Run directory (read by `nclab decode --run` and the notebooks):
//     summary.json, log.jsonl, {train,test}_{features,labels,logits}.npy,
//     classifier_w.npy (K x d), classifier_b.npy, checkpoint/.
package train
