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
//     `nclab train` (the quick preset) on this 2-core machine, 48-50 s a run:
//     NC1 fell 93x, 785x and 17x from the first tracked epoch for seeds 0, 1
//     and 2, the two-label angle ratio 11.4x, 12.8x and 6.9x; its last value is
//     0.063-0.067 for all three, its first 0.43-0.80 (30 epochs: seed 2 7.5x;
//     feature penalty 1e-3: seed 2 10.0x, seed 0 6.5x). With a learned head
//     (d = 128, seed 1) NC1 fell 31x but the angle ratio only 2.7x; earlier
//     trials with d = 10 and a learned head saw NC1 rise again, and conv+MLP
//     models without global pooling kept the angle ratio near 0.45-0.65.
//   - "figure3" ([PresetArch]): the paper's Figure 3 on CPU, a learned head
//     trained into the terminal phase on the quick data, per architecture
//     ([Figure3Archs]). `nclab train --preset figure3 --arch mlp --head learned
//     --seed 1 --json` (200 epochs) took 14 min 24 s on this 2-core machine
//     while another training run and four other sessions shared it (4 min 25 s
//     for the same run tracked every 10 epochs, under lighter load): training subset accuracy
//     1.000, the loss flat over the last 40 epochs (0.482 to 0.481), NC1 0.327
//     at epoch 5 to 0.0195 (16.7x), and the subspace split of METHOD.md §5 at
//     the last epoch: angle ratio 0.610 in the full space, 0.102 in W's row
//     space, 1.03 in its null space, null-space energy 0.519. The other
//     architectures' epochs are a choice, not yet measured against the
//     15-minute bound.
//   - The Figure 3 sweep ([Figure3Sweep], bench/figure3_sweep.sh): the figure3
//     MLP with one knob changed (feature penalty, weight decay, d, PAL-N, batch
//     norm before the head, epochs), read back with [ReadSweep] and tabulated
//     by [SweepTable]. A feature penalty of 3e-3 or more kills the features
//     (all zero, NC1 undefined) within 5 epochs at lr 0.1.
//   - Table 2 runs ([Table2Config]): the reference networks at 1/8 width for
//     CPU runs, or at full width with the paper preset. At full width on the
//     quick data the quick preset's lr 0.1 is too large: ResNet18 (5 epochs,
//     batch 64) diverged in its first steps and stayed at chance, while lr 0.01
//     reached a test F1 of 0.94 in about 6 minutes.
//   - Run directory (read by `nclab decode --run` and the notebooks):
//     summary.json, log.jsonl, {train,test}_{features,labels,logits}.npy,
//     classifier_w.npy (K x d), classifier_b.npy, checkpoint/.
package train
