#!/usr/bin/env python3
"""Golden outputs of RLFN / IMDN / IMDN-baseline on a non-square, odd-sized input.

Independent PyTorch re-implementations written from shared/docs/architectures.md (not the official
files), loaded strictly with the official weights. Checks first that they reproduce
shared/data/reference/golden_tensors_x4.npz, then writes
dckd-backbones/src/test/resources/golden/backbones_odd_size.npz:

  input            (1, 3, 25, 37) float32 in [0, 1]: a crop of Set5 LR_bicubic/X4/birdx4.png (rows 10.., cols 5..)
  out_<name>       the network output rescaled to [0, 1] (RLFN: fed input*255, output/255), unclamped;
                   x4 models are stored subsampled as out[:, :, ::3, ::3] (4*25-1 and 4*37-1 are multiples of 3,
                   so first and last rows/columns and every pixel-shuffle phase are included); x2/x3 models in full
  tapmean_<name>_<tap>  per-channel spatial mean (shape [C]) of the named intermediate features
                   head, block_1..block_K, body (in the network's own range)

Run from the repository root with /usr/bin/python3 (PyTorch 1.13, numpy, PIL):
  /usr/bin/python3 tools/reference/backbones_golden.py [--shared ../shared]
"""
import argparse
import os
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

SLOPE = 0.05


def conv(cin, cout, k, stride=1, padding=None):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=(k - 1) // 2 if padding is None else padding, bias=True)


def shuffle(x, r):
    n, c, h, w = x.shape
    c //= r * r
    return x.reshape(n, c, r, r, h, w).permute(0, 1, 4, 2, 5, 3).reshape(n, c, h * r, w * r)


# ---------------------------------------------------------------- RLFN
class Esa(nn.Module):
    def __init__(self, ch, f=16):
        super().__init__()
        self.conv1 = conv(ch, f, 1)
        self.conv_f = conv(f, f, 1)
        self.conv2 = conv(f, f, 3, stride=2, padding=0)
        self.conv3 = conv(f, f, 3)
        self.conv4 = conv(f, ch, 1)

    def forward(self, x):
        a = self.conv1(x)
        b = F.max_pool2d(self.conv2(a), 7, 3)
        b = F.interpolate(self.conv3(b), size=x.shape[2:], mode="bilinear", align_corners=False)
        return x * torch.sigmoid(self.conv4(b + self.conv_f(a)))


class Rlfb(nn.Module):
    def __init__(self, ch, mid):
        super().__init__()
        self.c1_r = conv(ch, mid, 3)
        self.c2_r = conv(mid, mid, 3)
        self.c3_r = conv(mid, ch, 3)
        self.c5 = conv(ch, ch, 1)
        self.esa = Esa(ch)

    def forward(self, x):
        o = F.leaky_relu(self.c1_r(x), SLOPE)
        o = F.leaky_relu(self.c2_r(o), SLOPE)
        o = F.leaky_relu(self.c3_r(o), SLOPE)
        return self.esa(self.c5(o + x))


class Rlfn(nn.Module):
    def __init__(self, ch, mid, blocks, scale):
        super().__init__()
        self.scale = scale
        self.conv_1 = conv(3, ch, 3)
        self.blocks = blocks
        for i in range(blocks):
            setattr(self, "block_%d" % (i + 1), Rlfb(ch, mid))
        self.conv_2 = conv(ch, ch, 3)
        self.upsampler = nn.Sequential(conv(ch, 3 * scale * scale, 3))

    def forward(self, x, taps=None):
        fea = self.conv_1(x)
        h = fea
        if taps is not None:
            taps["head"] = fea
        for i in range(self.blocks):
            h = getattr(self, "block_%d" % (i + 1))(h)
            if taps is not None:
                taps["block_%d" % (i + 1)] = h
        y = self.conv_2(h) + fea
        if taps is not None:
            taps["body"] = y
        return shuffle(self.upsampler(y), self.scale)


# ---------------------------------------------------------------- IMDN (official)
class Cca(nn.Module):
    def __init__(self, ch, reduction=16):
        super().__init__()
        self.conv_du = nn.Sequential(conv(ch, ch // reduction, 1), nn.ReLU(), conv(ch // reduction, ch, 1))

    def forward(self, z):
        mean = z.mean(dim=(2, 3), keepdim=True)
        std = ((z - mean) ** 2).mean(dim=(2, 3), keepdim=True).sqrt()
        return z * torch.sigmoid(self.conv_du(std + mean))


class Imdb(nn.Module):
    def __init__(self, nf, d):
        super().__init__()
        r = nf - d
        self.d, self.r = d, r
        self.c1 = conv(nf, nf, 3)
        self.c2 = conv(r, nf, 3)
        self.c3 = conv(r, nf, 3)
        self.c4 = conv(r, d, 3)
        self.c5 = conv(4 * d, nf, 1)
        self.cca = Cca(4 * d)

    def forward(self, x):
        d1, r1 = torch.split(F.leaky_relu(self.c1(x), SLOPE), [self.d, self.r], 1)
        d2, r2 = torch.split(F.leaky_relu(self.c2(r1), SLOPE), [self.d, self.r], 1)
        d3, r3 = torch.split(F.leaky_relu(self.c3(r2), SLOPE), [self.d, self.r], 1)
        z = torch.cat([d1, d2, d3, self.c4(r3)], 1)
        return self.c5(self.cca(z)) + x


class Imdn(nn.Module):
    def __init__(self, nf, blocks, scale):
        super().__init__()
        self.scale, self.blocks = scale, blocks
        self.fea_conv = conv(3, nf, 3)
        for i in range(blocks):
            setattr(self, "IMDB%d" % (i + 1), Imdb(nf, nf // 4))
        self.c = nn.Sequential(conv(nf * blocks, nf, 1))
        self.LR_conv = conv(nf, nf, 3)
        self.upsampler = nn.Sequential(conv(nf, 3 * scale * scale, 3))

    def forward(self, x, taps=None):
        fea = self.fea_conv(x)
        if taps is not None:
            taps["head"] = fea
        h, outs = fea, []
        for i in range(self.blocks):
            h = getattr(self, "IMDB%d" % (i + 1))(h)
            outs.append(h)
            if taps is not None:
                taps["block_%d" % (i + 1)] = h
        y = self.LR_conv(F.leaky_relu(self.c(torch.cat(outs, 1)), SLOPE)) + fea
        if taps is not None:
            taps["body"] = y
        return shuffle(self.upsampler(y), self.scale)


# ---------------------------------------------------------------- IMDN baseline (NTIRE 2022, KAIR-style)
class ImdBlock(nn.Module):
    def __init__(self, nc, d):
        super().__init__()
        r = nc - d
        self.d, self.r = d, r
        self.conv1 = nn.Sequential(conv(nc, nc, 3))
        self.conv2 = nn.Sequential(conv(r, nc, 3))
        self.conv3 = nn.Sequential(conv(r, nc, 3))
        self.conv4 = conv(r, d, 3)
        self.conv1x1 = conv(4 * d, nc, 1)

    def forward(self, x):
        d1, r1 = torch.split(F.leaky_relu(self.conv1(x), SLOPE), [self.d, self.r], 1)
        d2, r2 = torch.split(F.leaky_relu(self.conv2(r1), SLOPE), [self.d, self.r], 1)
        d3, r3 = torch.split(F.leaky_relu(self.conv3(r2), SLOPE), [self.d, self.r], 1)
        return x + self.conv1x1(torch.cat([d1, d2, d3, self.conv4(r3)], 1))


class Body(nn.Module):
    def __init__(self, nc, blocks):
        super().__init__()
        self.sub = nn.Sequential(*[ImdBlock(nc, nc // 4) for _ in range(blocks)], conv(nc, nc, 3))


class ImdnBaseline(nn.Module):
    def __init__(self, nc, blocks, scale):
        super().__init__()
        self.scale, self.blocks = scale, blocks
        self.model = nn.Sequential(conv(3, nc, 3), Body(nc, blocks), conv(nc, 3 * scale * scale, 3))

    def forward(self, x, taps=None):
        fea = self.model[0](x)
        if taps is not None:
            taps["head"] = fea
        h = fea
        for i in range(self.blocks):
            h = self.model[1].sub[i](h)
            if taps is not None:
                taps["block_%d" % (i + 1)] = h
        y = fea + self.model[1].sub[self.blocks](h)
        if taps is not None:
            taps["body"] = y
        return shuffle(self.model[2](y), self.scale)


# (name, weights file, constructor, input range)
MODELS = [
    ("rlfn_x4", "rlfn_official/rlfn_x4.pth", lambda: Rlfn(52, 52, 6, 4), 255.0),
    ("rlfn_s_x4", "rlfn_official/rlfn_s_x4.pth", lambda: Rlfn(48, 48, 6, 4), 255.0),
    ("rlfn_s_x2", "rlfn_official/rlfn_s_x2.pth", lambda: Rlfn(48, 48, 6, 2), 255.0),
    ("rlfn_ntire_x4", "rlfn_official/rlfn_ntire_x4.pth", lambda: Rlfn(46, 48, 4, 4), 255.0),
    ("IMDN_x4", "imdn_official/IMDN_x4.pth", lambda: Imdn(64, 6, 4), 1.0),
    ("IMDN_x3", "imdn_official/IMDN_x3.pth", lambda: Imdn(64, 6, 3), 1.0),
    ("imdn_baseline", "ntire2022_esr/imdn_baseline.pth", lambda: ImdnBaseline(64, 8, 4), 1.0),
]
TAPPED = {"rlfn_s_x2", "IMDN_x3", "imdn_baseline"}


def load(shared, rel, ctor):
    sd = torch.load(os.path.join(shared, "data/weights", rel), map_location="cpu")
    sd = OrderedDict((k[len("module."):] if k.startswith("module.") else k, v) for k, v in sd.items())
    net = ctor()
    net.load_state_dict(sd, strict=True)
    return net.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "../../../shared"))
    ap.add_argument("--out", default="dckd-backbones/src/test/resources/golden/backbones_odd_size.npz")
    args = ap.parse_args()
    torch.set_num_threads(1)

    ref = np.load(os.path.join(args.shared, "data/reference/golden_tensors_x4.npz"))
    crop24 = torch.from_numpy(ref["input_butterflyx4_crop24_range01"])
    img = np.asarray(Image.open(os.path.join(args.shared, "data/benchmarks/Set5/LR_bicubic/X4/birdx4.png")).convert("RGB"))
    odd = torch.from_numpy(np.ascontiguousarray(img[10:35, 5:42].transpose(2, 0, 1)[None], dtype=np.float32) / 255.0)
    assert odd.shape == (1, 3, 25, 37), odd.shape

    out = {"input": odd.numpy()}
    with torch.no_grad():
        for name, rel, ctor, rng in MODELS:
            net = load(args.shared, rel, ctor)
            key = "output_" + name
            if key in ref.files:
                err = np.abs(net(crop24 * rng).numpy() / rng - ref[key]).max()
                print("%-14s reproduces golden_tensors_x4.npz: max abs %.3g" % (name, err))
                assert err < 1e-5, name
            taps = OrderedDict() if name in TAPPED else None
            y = (net(odd * rng, taps) / rng).numpy()
            if net.scale == 4:
                y = y[:, :, ::3, ::3]
            out["out_" + name] = np.ascontiguousarray(y, dtype=np.float32)
            for tap, t in (taps or {}).items():
                out["tapmean_%s_%s" % (name, tap)] = t.mean(dim=(0, 2, 3)).numpy().astype(np.float32)
            print("%-14s out %s" % (name, out["out_" + name].shape))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    np.savez(args.out, **out)
    print("wrote", args.out, os.path.getsize(args.out), "bytes")


if __name__ == "__main__":
    main()
