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
//   - [Trainer]: seeded (weights and the per-epoch batch order, data.EpochOrder),
//     float32; at the tracked epochs ([Config.Tracks]: the first TrackFirst,
//     every TrackEvery and the last) it measures collapse metrics on the
//     training features and multi-label metrics on train and test
//     ([Trainer.Track]), calls a callback (live plots), appends to log.jsonl and
//     saves a checkpoint; a resumed run reproduces an uninterrupted one exactly.
//     A non-finite objective stops it with an error naming the last good
//     checkpoint. [RunAll] trains independent runs side by side, one per core
//     (the pure-Go backend keeps one step mostly on one core), with the same
//     numbers as one after the other.
//   - Presets ([Preset]; nclab.PresetFromEnv reads $PRESET for the notebooks, which
//     keep their runs under [NotebookRunDir]): "paper" is METHOD.md §7 (ResNet18, 200 epochs; for a
//     GPU). "quick" is a small CNN (conv 32-64-K, BN, max-pools, global
//     average pooling) with the frozen ETF head (d = K = 10, "fix_dim") on the
//     quick M-lab MNIST with the 56x56 canvas average-pooled to 28x28, batch 64,
//     lr 0.1, weight decay 5e-4, feature penalty 1e-4, 20 epochs (tracked at 1 to
//     5, then every 5): chosen so that
//     NC1 and the two-label angle ratio fall within a CPU budget of about a minute
//     a run (the measurements behind the choice: METHOD.md appendix A).
//   - "figure3" ([PresetArch]): the paper's Figure 3 on CPU, a learned head
//     trained into the terminal phase on the quick data, per architecture
//     ([Figure3Archs]); what it measured is in METHOD.md appendix A.
//   - The Figure 3 sweep ([Figure3Sweep], bench/figure3_sweep.sh): the figure3
//     MLP with one knob changed (feature penalty, weight decay, d, PAL-N, batch
//     norm before the head, epochs), read back with [ReadSweep] and tabulated
//     by [SweepTable].
//   - Table 2 runs ([Table2Config]): the reference networks at 1/8 width for
//     CPU runs (VGG on the 28x28 images zero-padded to 32x32, at lr
//     [Table2VGGLR]), or at full width with the paper preset. A full-width network on
//     the quick data needs a smaller learning rate than the quick preset's 0.1
//     (bench/decode_tables.sh trains ResNet18 with lr 0.01; METHOD.md appendix A).
//   - Run directory: summary.json, log.jsonl (each tracked epoch once),
//     config.json ([Settings]), {train,test}_{features,labels,logits}.npy,
//     classifier_w.npy (K x d), classifier_b.npy, checkpoint/ (the newest two
//     epoch-NNNNNNN.ckpt, SHA-256 checked). Every file is written to a
//     temporary name and renamed. [OpenRun] is the one reader (package tables,
//     `nclab decode`, the notebooks). Resume checks config.json, falls back
//     past a damaged newest checkpoint ([Trainer.Notes] say so) and trims the
//     log to the checkpoint's epoch.
package train
