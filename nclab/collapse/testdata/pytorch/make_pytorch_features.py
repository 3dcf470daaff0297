#!/usr/bin/python3
"""Features saved by PyTorch: what a PyTorch user hands to nclab (notebook 12, and the
collapse package's TestPyTorchFeatures).

A small MLP (24 -> 128 -> 128 -> 32 features -> linear classifier; ReLU between the
hidden layers, none on the features) is trained with cross-entropy by SGD (learning
rate 0.05 cosine-annealed to 0 over 1,000 epochs, momentum 0.9, weight decay 5e-4,
batches of 60) on a 10-class Gaussian mixture (unit-normal centres in 24 dimensions,
noise 1.5; 60 training samples per class), far into the terminal phase. At epochs 0
(initialisation), 10, 100 and 1000 the script saves, the way a PyTorch user would
(np.save of tensor.numpy()):

  epochNNNN/features.npy  the 600 x 32 penultimate features of the training set
                          (float32; float16 at epoch 1000, as half-precision
                          inference would give them)
  epochNNNN/W.npy, b.npy  the classifier's weight (10 x 32) and bias (float32)
  labels.npy              the 600 class indices (int64, torch's dtype for targets)

and expected.json: per epoch, the training accuracy and the collapse metrics computed
by NumPy from the saved files with ../make_fixtures.py's reference implementation
(METHOD.md section 5).

Run from this folder, once: /usr/bin/python3 make_pytorch_features.py
(PyTorch 1.13 CPU, NumPy 1.24; deterministic for a given PyTorch build).
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from make_fixtures import metrics  # noqa: E402

K, D_IN, D, PER_CLASS = 10, 24, 32, 60
EPOCHS, SAVE_AT = 1000, (0, 10, 100, 1000)

torch.manual_seed(12)
torch.set_num_threads(1)
rng = np.random.default_rng(12)
centres = rng.standard_normal((K, D_IN))
y = rng.permutation(np.repeat(np.arange(K), PER_CLASS))
x = centres[y] + 1.5 * rng.standard_normal((len(y), D_IN))
xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.int64)

body = torch.nn.Sequential(
    torch.nn.Linear(D_IN, 128), torch.nn.ReLU(),
    torch.nn.Linear(128, 128), torch.nn.ReLU(),
    torch.nn.Linear(128, D))
head = torch.nn.Linear(D, K)
params = list(body.parameters()) + list(head.parameters())
opt = torch.optim.SGD(params, lr=0.05, momentum=0.9, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, EPOCHS)

here = os.path.dirname(os.path.abspath(__file__))
np.save(os.path.join(here, "labels.npy"), yt.numpy())
expected = {}


def save(epoch):
    with torch.no_grad():
        feats = body(xt)
        acc = float((head(feats).argmax(dim=1) == yt).float().mean())
    out = os.path.join(here, f"epoch{epoch:04d}")
    os.makedirs(out, exist_ok=True)
    h = feats.numpy().astype(np.float16 if epoch == EPOCHS else np.float32)
    np.save(os.path.join(out, "features.npy"), h)
    w, b = head.weight.detach().numpy(), head.bias.detach().numpy()
    np.save(os.path.join(out, "W.npy"), w)
    np.save(os.path.join(out, "b.npy"), b)
    # The reference reads back exactly what was saved (float16/float32 widened).
    onehot = np.eye(K, dtype=np.uint8)[y]
    m = metrics(K, h.astype(np.float64), onehot, w.astype(np.float64), b.astype(np.float64))
    keep = ["nc1", "cdnv", "nc2_uniformity", "nc3_uniformity_cv", "nc2_h", "nc2_w", "nc3", "nc3_papyan", "ncc_agreement"]
    expected[f"epoch{epoch:04d}"] = {"train_accuracy": acc, "dtype": str(h.dtype), **{k: m[k] for k in keep}}
    print(f"epoch {epoch:3d}: train accuracy {acc:.3f}, NC1 {m['nc1']:.4g}, CDNV {m['cdnv']:.4g}, "
          f"NC2 uniformity std {m['nc2_uniformity']['std']:.4g}, NC3 CV {m['nc3_uniformity_cv']:.4g}")


save(0)
for epoch in range(1, EPOCHS + 1):
    order = torch.randperm(len(yt))
    for start in range(0, len(yt), 60):
        idx = order[start:start + 60]
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(head(body(xt[idx])), yt[idx])
        loss.backward()
        opt.step()
    sched.step()
    if epoch in SAVE_AT:
        save(epoch)
with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
