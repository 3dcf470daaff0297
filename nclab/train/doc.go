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
//   - Run directory (read by `nclab decode --run` and the notebooks):
//     summary.json, log.jsonl, {train,test}_{features,labels,logits}.npy,
//     classifier_w.npy (K x d), classifier_b.npy, checkpoint/.
package train
