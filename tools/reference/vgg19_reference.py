#!/usr/bin/env python3
"""Reference data for the VGG19 feature encoder (dckd-losses, org.dckd.losses.encoders.Vgg19Features).

torchvision is not installed on the build machines, so the VGG19 layer list is rebuilt here by hand from torchvision's
configuration 'E' (models/vgg.py: cfg E = 64, 64, M, 128, 128, M, 256 x4, M, 512 x4, M, 512 x4, M; 3x3 convolutions with
padding 1, ReLU(inplace=True), MaxPool2d(2, 2); classifier Linear(512*7*7, 4096), ReLU, Dropout, Linear(4096, 4096),
ReLU, Dropout, Linear(4096, 1000)). Writes, next to the Java tests:

  vgg19_torchvision_keys.json  state-dict keys and shapes of the full-width torchvision vgg19 (the layout of
                               vgg19-dcbb9e9d.pth)
  vgg19_tiny.pth               a bare state dict (like torchvision's file) of the same layer list with widths
                               [4, 8, 8, 16, 16], random weights (seed 7), including the layers after relu5_1 and a small
                               classifier, which the Java loader must ignore
  vgg19_tiny_io.npz            input x (2, 3, 32, 32) in [0, 1] and the taps relu1_1 .. relu5_1 of the ImageNet-normalised
                               input (the CSD/DCKD convention)

Run: /usr/bin/python3 tools/reference/vgg19_reference.py
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'dckd-losses', 'src', 'test', 'resources', 'org', 'dckd',
                   'losses', 'encoders')
TAPS = {1: 'relu1_1', 6: 'relu2_1', 11: 'relu3_1', 20: 'relu4_1', 29: 'relu5_1'}


def vgg19(widths, classes, hidden):
    cfg = [widths[0]] * 2 + ['M'] + [widths[1]] * 2 + ['M'] + [widths[2]] * 4 + ['M'] + [widths[3]] * 4 + ['M'] \
        + [widths[4]] * 4 + ['M']
    layers = []
    c = 3
    for v in cfg:
        if v == 'M':
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers += [nn.Conv2d(c, v, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
            c = v
    model = nn.Module()
    model.features = nn.Sequential(*layers)
    model.avgpool = nn.AdaptiveAvgPool2d((7, 7))
    model.classifier = nn.Sequential(nn.Linear(widths[4] * 7 * 7, hidden), nn.ReLU(True), nn.Dropout(),
                                     nn.Linear(hidden, hidden), nn.ReLU(True), nn.Dropout(), nn.Linear(hidden, classes))
    return model


def main():
    os.makedirs(OUT, exist_ok=True)
    full = vgg19([64, 128, 256, 512, 512], 1000, 4096)
    keys = [{'key': k, 'shape': list(v.shape)} for k, v in full.state_dict().items()]
    with open(os.path.join(OUT, 'vgg19_torchvision_keys.json'), 'w') as f:
        json.dump(keys, f, indent=1)

    torch.manual_seed(7)
    tiny = vgg19([4, 8, 8, 16, 16], 10, 32).eval()
    torch.save(tiny.state_dict(), os.path.join(OUT, 'vgg19_tiny.pth'))
    x = torch.rand(2, 3, 32, 32)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    h = (x - mean) / std
    out = {'x': x.numpy()}
    with torch.no_grad():
        for i, layer in enumerate(tiny.features):
            h = layer(h)
            if i in TAPS:
                out[TAPS[i]] = h.clone().numpy()
            if i == 29:
                break
    np.savez(os.path.join(OUT, 'vgg19_tiny_io.npz'), **out)
    print({k: v.shape for k, v in out.items()})


if __name__ == '__main__':
    main()
