"""PyTorch side of bench/train.sh: training-step time of the models of
nclab/train/bench_test.go (identical layers, batch 128, PAL loss, SGD with
momentum 0.9 and weight decay 5e-4), 2 threads. Prints one line per model:
name, seconds per step (median of the timed steps). "matmul" prints the dense
ceiling instead: GFLOP/s of a 1024^3 float32 product (median of 10). "macs"
prints each model's multiply-accumulates per example in its Conv2d and Linear
layers, counted from their output shapes by forward hooks: forward, input
gradient (all layers but the first) and weight gradient; nclab/models'
TestProductsMatchPyTorch holds these numbers."""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)


def mlp():
    layers, width = [], 56 * 56
    for _ in range(3):
        layers += [nn.Linear(width, 512), nn.BatchNorm1d(512), nn.ReLU()]
        width = 512
    return nn.Sequential(nn.Flatten(), *layers, nn.Linear(512, 10))


def small_cnn():
    layers, c = [], 1
    for w in (32, 64, 128):
        layers += [nn.Conv2d(c, w, 3, 1, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(), nn.MaxPool2d(2)]
        c = w
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10))


class Basic(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(planes)
        self.c2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(planes)
        self.sc = nn.Sequential()
        if stride != 1 or cin != planes:
            self.sc = nn.Sequential(nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        return F.relu(self.b2(self.c2(y)) + self.sc(x))


def resnet18():
    layers, c = [nn.Conv2d(3, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()], 64
    for stage, planes in enumerate((64, 128, 256, 512)):
        for i in range(2):
            layers.append(Basic(c, planes, 2 if (i == 0 and stage > 0) else 1))
            c = planes
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10))


def step_time(model, shape, steps):
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.rand(128, *shape)
    y = torch.zeros(128, 10)
    y[torch.arange(128), torch.randint(0, 10, (128,))] = 1
    times = []
    for i in range(steps + 1):
        t = time.perf_counter()
        opt.zero_grad()
        loss = -(y * F.log_softmax(model(x), 1)).sum(1).mean()
        loss.backward()
        opt.step()
        if i > 0:
            times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def product_macs(model, shape):
    macs = []

    def hook(layer, _, out):
        per_output = layer.in_features if isinstance(layer, nn.Linear) else layer.in_channels // layer.groups * layer.kernel_size[0] * layer.kernel_size[1]
        macs.append(out[0].numel() * per_output)

    for layer in model.modules():
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            layer.register_forward_hook(hook)
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *shape))
    return sum(macs), sum(macs[1:]), sum(macs)


def matmul_gflops(n=1024, runs=10):
    a, b = torch.rand(n, n), torch.rand(n, n)
    a @ b
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - t)
    times.sort()
    return 2 * n**3 / times[len(times) // 2] / 1e9


if __name__ == "__main__":
    which = sys.argv[1:] or ["mlp", "smallcnn", "resnet18"]
    if which == ["matmul"]:
        print(f"matmul {matmul_gflops():.1f}")
        sys.exit(0)
    cases = {"mlp": (mlp, (1, 56, 56), 40), "smallcnn": (small_cnn, (1, 56, 56), 5), "resnet18": (resnet18, (3, 32, 32), 3)}
    if which == ["macs"]:
        for name, (make, shape, _) in cases.items():
            print(name, *product_macs(make(), shape))
        sys.exit(0)
    for name in which:
        make, shape, steps = cases[name]
        print(f"{name} {step_time(make(), shape, steps):.4f}", flush=True)
