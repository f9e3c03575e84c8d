"""ResNet50 and MobileNetV2 inference, batch 32: tkeras.applications vs the same network in plain torch.

    .venv/bin/python bench/bench_applications.py [--size 224] [--rounds 3] [--threads N]

tkeras: `model(x, training=False)` under `torch.inference_mode()` on channels_last images (Keras'
layout; tkeras' convolutions view them as NCHW with channels-last strides, so oneDNN runs them
without copies), which runs the fused inference plan (models/inference_fusion.py: BatchNorm folded
into the convolutions, activation and residual add as oneDNN post-ops). Plain torch: the same architecture written as `nn.Module`s (ResNet50 as Keras
builds it, with the stride on the first 1x1 convolution and biased convolutions; MobileNetV2 with
its TensorFlow-style asymmetric padding), in `torch.channels_last` memory format, which is what pays
on CPU. Parameter counts are checked equal before timing. Ratios are tkeras / torch, timed alternately.
Both share one process, hence one malloc: a framework that holds many large blocks changes what the
other's allocations cost (page faults), so compare runs of the same code, and when in doubt time each
side in its own process (the two agreed within 0.05 on 2026-12-06).
"""
import argparse
import os
import statistics
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import tkeras  # noqa: E402


class Bottleneck(nn.Module):
    def __init__(self, cin, filters, stride, project):
        super().__init__()
        bn = lambda c: nn.BatchNorm2d(c, eps=1.001e-5)  # noqa: E731
        self.project = nn.Sequential(nn.Conv2d(cin, 4 * filters, 1, stride), bn(4 * filters)) if project else None
        self.body = nn.Sequential(nn.Conv2d(cin, filters, 1, stride), bn(filters), nn.ReLU(),
                                  nn.Conv2d(filters, filters, 3, 1, 1), bn(filters), nn.ReLU(),
                                  nn.Conv2d(filters, 4 * filters, 1), bn(4 * filters))

    def forward(self, x):
        return F.relu((self.project(x) if self.project is not None else x) + self.body(x))


def torch_resnet50(classes=1000):
    blocks, cin = [], 64
    for filters, count, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for index in range(count):
            blocks.append(Bottleneck(cin, filters, stride if index == 0 else 1, index == 0))
            cin = 4 * filters
    return nn.Sequential(nn.ZeroPad2d(3), nn.Conv2d(3, 64, 7, 2), nn.BatchNorm2d(64, eps=1.001e-5), nn.ReLU(),
                         nn.ZeroPad2d(1), nn.MaxPool2d(3, 2), *blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(2048, classes), nn.Softmax(dim=1))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expansion):
        super().__init__()
        hidden = cin * expansion
        bn = lambda c: nn.BatchNorm2d(c, eps=1e-3)  # noqa: E731
        layers = [nn.Conv2d(cin, hidden, 1, bias=False), bn(hidden), nn.ReLU6()] if expansion != 1 else []
        pad = nn.ZeroPad2d((0, 1, 0, 1)) if stride == 2 else nn.ZeroPad2d(1)  # TF "same" for even sizes
        layers += [pad, nn.Conv2d(hidden, hidden, 3, stride, groups=hidden, bias=False), bn(hidden), nn.ReLU6(),
                   nn.Conv2d(hidden, cout, 1, bias=False), bn(cout)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


def torch_mobilenet_v2(classes=1000):
    blocks, cin = [], 32
    for cout, stride, expansion in ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
                                    (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6),
                                    (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6)):
        blocks.append(InvertedResidual(cin, cout, stride, expansion))
        cin = cout
    bn = lambda c: nn.BatchNorm2d(c, eps=1e-3)  # noqa: E731
    return nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(3, 32, 3, 2, bias=False), bn(32), nn.ReLU6(),
                         *blocks, nn.Conv2d(320, 1280, 1, bias=False), bn(1280), nn.ReLU6(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1280, classes), nn.Softmax(dim=1))


def _median_seconds(fn, x, rounds):
    with torch.inference_mode():
        fn(x)  # warm-up: oneDNN primitives, allocator
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            fn(x)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare(name, keras_model, torch_model, size, rounds, batch=32):
    keras_params = keras_model.count_params()
    torch_params = sum(p.numel() for p in torch_model.parameters()) + sum(  # + BN statistics, as Keras counts
        b.numel() for name, b in torch_model.named_buffers() if name.endswith(("running_mean", "running_var")))
    assert keras_params == torch_params, (name, keras_params, torch_params)
    torch_model = torch_model.eval().to(memory_format=torch.channels_last)
    images = torch.rand(batch, size, size, 3) * 255
    nchw = images.permute(0, 3, 1, 2).contiguous(memory_format=torch.channels_last)
    runs = {"tkeras": lambda: _median_seconds(lambda x: keras_model(x, training=False), images, 1),
            "torch": lambda: _median_seconds(torch_model, nchw, 1)}
    times = {label: [] for label in runs}
    for _ in range(rounds):
        for label, run in runs.items():
            times[label].append(run())
    medians = {label: statistics.median(values) for label, values in times.items()}
    print(f"{name} batch {batch} {size}x{size}: tkeras {medians['tkeras'] * 1000:.0f} ms, plain torch "
          f"{medians['torch'] * 1000:.0f} ms, tkeras/torch = {medians['tkeras'] / medians['torch']:.2f}x", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    shape = (args.size, args.size, 3)
    compare("ResNet50", tkeras.applications.ResNet50(weights=None, input_shape=shape), torch_resnet50(),
            args.size, args.rounds)
    compare("MobileNetV2", tkeras.applications.MobileNetV2(weights=None, input_shape=shape), torch_mobilenet_v2(),
            args.size, args.rounds)


if __name__ == "__main__":
    main()
