#!/usr/bin/env python3
"""PyTorch eager twins of the steps `dckd bench train` and the passes `dckd bench infer` measure.

Tools only (Debian's python3-torch and numpy); no test needs it. See docs/performance.md.

  python3 tools/bench/torch_twin.py train --threads 2 --json torch_train.json
  python3 tools/bench/torch_twin.py infer --threads 2 --json torch_infer.json

train: the student of configs/cpu/cbsd68_rlfn_x4_dckd.yaml (RLFN 24 ch, 2 blocks, ESA 16, x4, input range 1), the
official RLFN x4 teacher (52 ch, 6 blocks, input range 255; its .pth is loaded when present, else random weights),
batch 8, LR patch 32, Adam (lr 0.002, betas 0.9/0.99, eps 1e-8), gradient clipping at norm 5, student EMA 0.999, one
batch reused for every step (as the Java bench does). Variants, named as in the Java JSON:
  scratch  L1(S, HR)
  logits   L1(S, HR) + L1(S, T)
  config   the config's losses (DCKD): L1 + L1(T) + 0.1 DCR + 0.001 DMM. DCR: the random 5-level encoder
           (16/32/64/128/256 channels, one 3x3 conv + LeakyReLU(0.2) per level, stride 2 from level 2, input 2x-1,
           frozen) on the student output (anchor, with gradient), the teacher output (positive) and 5 negatives: the
           history model (a frozen copy of the student architecture) run on the clean LR and on 4 noisy copies (Gaussian
           noise, sigma 1..30 / 255, gray with probability 0.5, clipped), each negative its own history and encoder
           call; the ratio sum_l w_l |a_l - p_l| / (sum_j |a_l - n_jl| + eps) with weights 1/32 .. 1. DMM: the deepest
           level's features of anchor and positive (shared with DCR) as tokens, squared distances to a 64 x 256
           codebook, softmax / log-softmax cross-entropy (tau 1).
  fakd     0.5 L1 + 0.5 L1(T) + 10 FAKD: spatial-affinity L1 between the student's block_1, block_2 and the teacher's
           block_2, block_4 (the taps of configs/rlfn/rlfn_x4_fakd.yaml a 2-block student has).
The DCR history update (at step 100 of the config) and the k-means codebook fit (once, after 4 batches) are outside the
measured steps in Java as well; numerical identity with Java is not the aim, the same work is.

infer: batch 1, no gradient, random weights, a random LR image of each size in [0, 1] scaled to the network's input
range, as `dckd evaluate`/`upscale` run the whole image: RLFN (the preset `rlfn`: 52 ch, 6 blocks, x4) and IMDN (the
preset `imdn`: 64 features, 6 blocks, x4), and on request SwinIR-light (`swinir_lightweight`: embed 60, 4 x 6 Swin
blocks, 6 heads, window 8, pixel-shuffle-direct upsampler; the shifted-window mask is built for the input size).

BLAS: Debian's python3-torch calls the system libblas.so.3 for matrix products (bmm, matmul, linear); with only the
reference BLAS installed these are several times slower than in a PyTorch wheel (MKL), so install OpenBLAS's OpenMP
build first (apt-get install libopenblas0-openmp); the JSON names the BLAS library that was loaded.

Output JSON: {"tool", "torch_version", "threads", "blas", "warmup", "steps", "variants" | "cases":
{name: {median_ms, p90_ms}}};
median and p90 are taken as Java takes them (sorted[steps // 2], sorted[int(steps * 0.9)]).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SHARED_TEACHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data",
                              "weights", "rlfn_official", "rlfn_x4.pth")


def conv(cin, cout, k, stride=1, padding=None):
    return nn.Conv2d(cin, cout, k, stride, k // 2 if padding is None else padding)


# ---------------------------------------------------------------- RLFN (dckd-backbones org.dckd.backbones.rlfn)
class Esa(nn.Module):
    def __init__(self, esa, c):
        super().__init__()
        self.conv1 = conv(c, esa, 1)
        self.conv_f = conv(esa, esa, 1)
        self.conv2 = conv(esa, esa, 3, 2, 0)
        self.conv3 = conv(esa, esa, 3)
        self.conv4 = conv(esa, c, 1)

    def forward(self, x):
        c1_ = self.conv1(x)
        c1 = self.conv2(c1_)
        pooled = F.max_pool2d(c1, kernel_size=7, stride=3)
        c3 = F.interpolate(self.conv3(pooled), (x.size(2), x.size(3)), mode="bilinear", align_corners=False)
        return x * torch.sigmoid(self.conv4(c3 + self.conv_f(c1_)))


class Rlfb(nn.Module):
    def __init__(self, c, mid, esa):
        super().__init__()
        self.c1_r = conv(c, mid, 3)
        self.c2_r = conv(mid, mid, 3)
        self.c3_r = conv(mid, c, 3)
        self.c5 = conv(c, c, 1)
        self.esa = Esa(esa, c)

    def forward(self, x):
        o = F.leaky_relu(self.c1_r(x), 0.05)
        o = F.leaky_relu(self.c2_r(o), 0.05)
        o = F.leaky_relu(self.c3_r(o), 0.05)
        return self.esa(self.c5(o + x))


class Rlfn(nn.Module):
    def __init__(self, scale, c, blocks, esa=16, mid=None, input_range=1.0):
        super().__init__()
        self.input_range = input_range
        self.conv_1 = conv(3, c, 3)
        for i in range(1, blocks + 1):
            self.add_module("block_%d" % i, Rlfb(c, mid or c, esa))
        self.blocks = blocks
        self.conv_2 = conv(c, c, 3)
        self.upsampler = nn.Sequential(conv(c, 3 * scale * scale, 3), nn.PixelShuffle(scale))

    def forward(self, x, taps=None):
        fea = self.conv_1(x)
        h = fea
        for i in range(1, self.blocks + 1):
            h = getattr(self, "block_%d" % i)(h)
            if taps is not None:
                taps["block_%d" % i] = h
        return self.upsampler(self.conv_2(h) + fea)


# ---------------------------------------------------------------- IMDN (org.dckd.backbones.imdn)
class Cca(nn.Module):
    def __init__(self, c, reduction=16):
        super().__init__()
        self.conv_du = nn.Sequential(conv(c, c // reduction, 1), nn.ReLU(inplace=True), conv(c // reduction, c, 1),
                                     nn.Sigmoid())

    def forward(self, x):
        flat = x.flatten(2)
        mean = flat.mean(2, keepdim=True)
        std = (flat - mean).pow(2).mean(2, keepdim=True).sqrt()
        return x * self.conv_du((std + mean).unsqueeze(3))


class Imdb(nn.Module):
    def __init__(self, f, d):
        super().__init__()
        self.d, self.r = d, f - d
        self.c1 = conv(f, f, 3)
        self.c2 = conv(self.r, f, 3)
        self.c3 = conv(self.r, f, 3)
        self.c4 = conv(self.r, d, 3)
        self.c5 = conv(4 * d, f, 1)
        self.cca = Cca(4 * d)

    def forward(self, x):
        d1, r1 = torch.split(F.leaky_relu(self.c1(x), 0.05), (self.d, self.r), 1)
        d2, r2 = torch.split(F.leaky_relu(self.c2(r1), 0.05), (self.d, self.r), 1)
        d3, r3 = torch.split(F.leaky_relu(self.c3(r2), 0.05), (self.d, self.r), 1)
        d4 = self.c4(r3)
        return self.c5(self.cca(torch.cat([d1, d2, d3, d4], 1))) + x


class Imdn(nn.Module):
    def __init__(self, scale, f=64, blocks=6):
        super().__init__()
        self.input_range = 1.0
        self.fea_conv = conv(3, f, 3)
        self.imdbs = nn.ModuleList([Imdb(f, f // 4) for _ in range(blocks)])
        self.c = conv(f * blocks, f, 1)
        self.lr_conv = conv(f, f, 3)
        self.upsampler = nn.Sequential(conv(f, 3 * scale * scale, 3), nn.PixelShuffle(scale))

    def forward(self, x):
        fea = self.fea_conv(x)
        outs, h = [], fea
        for b in self.imdbs:
            h = b(h)
            outs.append(h)
        return self.upsampler(self.lr_conv(F.leaky_relu(self.c(torch.cat(outs, 1)), 0.05)) + fea)


# ---------------------------------------------------------------- SwinIR (org.dckd.backbones.swinir), inference only
def window_partition(x, w):
    b, h, wd, c = x.shape
    x = x.view(b, h // w, w, wd // w, w, c)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(-1, w * w, c)


def window_reverse(windows, w, h, wd):
    b = windows.shape[0] // ((h // w) * (wd // w))
    x = windows.view(b, h // w, wd // w, w, w, -1)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(b, h, wd, -1)


class WindowAttention(nn.Module):
    def __init__(self, dim, window, heads):
        super().__init__()
        self.window, self.heads, self.scale = window, heads, (dim // heads) ** -0.5
        self.relative_position_bias_table = nn.Parameter(torch.randn((2 * window - 1) ** 2, heads) * 0.02)
        coords = torch.stack(torch.meshgrid(torch.arange(window), torch.arange(window), indexing="ij")).flatten(1)
        rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + (window - 1)
        self.register_buffer("relative_position_index", rel[..., 0] * (2 * window - 1) + rel[..., 1])
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, mask=None):
        bw, n, c = x.shape
        qkv = self.qkv(x).reshape(bw, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * self.scale, qkv[1], qkv[2]
        attn = q @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(n, n, -1)
        attn = attn + bias.permute(2, 0, 1).unsqueeze(0)
        if mask is not None:
            nw = mask.shape[0]
            attn = attn.view(bw // nw, nw, self.heads, n, n) + mask.unsqueeze(1).unsqueeze(0)
            attn = attn.view(-1, self.heads, n, n)
        return self.proj((attn.softmax(-1) @ v).transpose(1, 2).reshape(bw, n, c))


class SwinBlock(nn.Module):
    def __init__(self, dim, heads, window, shift, mlp_ratio):
        super().__init__()
        self.window, self.shift = window, shift
        self.norm1 = nn.LayerNorm(dim)
        self.attn = WindowAttention(dim, window, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, int(dim * mlp_ratio)), nn.GELU(), nn.Linear(int(dim * mlp_ratio), dim))

    def mask(self, h, wd):
        img = torch.zeros(1, h, wd, 1)
        cnt = 0
        for hs in (slice(0, -self.window), slice(-self.window, -self.shift), slice(-self.shift, None)):
            for ws in (slice(0, -self.window), slice(-self.window, -self.shift), slice(-self.shift, None)):
                img[:, hs, ws, :] = cnt
                cnt += 1
        m = window_partition(img, self.window).squeeze(-1)
        m = m.unsqueeze(1) - m.unsqueeze(2)
        return m.masked_fill(m != 0, -100.0).masked_fill(m == 0, 0.0)

    def forward(self, x, size):
        h, wd = size
        b, _, c = x.shape
        y = self.norm1(x).view(b, h, wd, c)
        if self.shift:
            y = torch.roll(y, (-self.shift, -self.shift), (1, 2))
        y = self.attn(window_partition(y, self.window), self.mask(h, wd) if self.shift else None)
        y = window_reverse(y, self.window, h, wd)
        if self.shift:
            y = torch.roll(y, (self.shift, self.shift), (1, 2))
        x = x + y.reshape(b, h * wd, c)
        return x + self.mlp(self.norm2(x))


class Rstb(nn.Module):
    def __init__(self, dim, depth, heads, window, mlp_ratio):
        super().__init__()
        self.blocks = nn.ModuleList([SwinBlock(dim, heads, window, 0 if i % 2 == 0 else window // 2, mlp_ratio)
                                     for i in range(depth)])
        self.conv = conv(dim, dim, 3)

    def forward(self, x, size):
        y = x
        for blk in self.blocks:
            y = blk(y, size)
        b, _, c = x.shape
        y = self.conv(y.transpose(1, 2).view(b, c, size[0], size[1])).flatten(2).transpose(1, 2)
        return y + x


class SwinIrLight(nn.Module):
    """The `swinir_lightweight` preset: embed 60, depths 6 x 4, heads 6, window 8, MLP 2, pixel-shuffle-direct."""

    def __init__(self, scale, dim=60, depths=(6, 6, 6, 6), heads=6, window=8, mlp_ratio=2.0):
        super().__init__()
        self.input_range = 1.0
        self.window = window
        self.register_buffer("mean", torch.tensor([0.4488, 0.4371, 0.4040]).view(1, 3, 1, 1))
        self.conv_first = conv(3, dim, 3)
        self.patch_norm = nn.LayerNorm(dim)
        self.layers = nn.ModuleList([Rstb(dim, d, heads, window, mlp_ratio) for d in depths])
        self.norm = nn.LayerNorm(dim)
        self.conv_after_body = conv(dim, dim, 3)
        self.upsample = nn.Sequential(conv(dim, 3 * scale * scale, 3), nn.PixelShuffle(scale))
        self.scale = scale

    def forward(self, x):
        h, wd = x.shape[2:]
        ph, pw = (-h) % self.window, (-wd) % self.window
        x = F.pad(x, (0, pw, 0, ph), "reflect") if ph or pw else x
        x = x - self.mean
        x = self.conv_first(x)
        b, c, hh, ww = x.shape
        y = self.patch_norm(x.flatten(2).transpose(1, 2))
        for layer in self.layers:
            y = layer(y, (hh, ww))
        y = self.norm(y).transpose(1, 2).view(b, c, hh, ww)
        x = self.upsample(self.conv_after_body(y) + x) + self.mean
        return x[:, :, :h * self.scale, :wd * self.scale]


# ---------------------------------------------------------------- DCKD pieces (dckd-losses org.dckd.losses.dckd)
class RandomConvEncoder(nn.Module):
    """encoders/RandomConvEncoder.java: one conv per level, stride 2 from the second level, LeakyReLU 0.2, frozen."""

    def __init__(self, channels=(16, 32, 64, 128, 256), seed=0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        layers, cin = [], 3
        for i, cout in enumerate(channels):
            c = conv(cin, cout, 3, 2 if i > 0 else 1, 1)
            with torch.no_grad():
                c.weight.normal_(0.0, (2.0 / (cin * 9)) ** 0.5, generator=g)
                c.bias.zero_()
            layers.append(c)
            cin = cout
        self.levels = nn.ModuleList(layers)
        self.requires_grad_(False)

    def forward(self, images):
        h = images * 2 - 1
        out = []
        for c in self.levels:
            h = F.leaky_relu(c(h), 0.2)
            out.append(h)
        return out


LEVEL_WEIGHTS = (1 / 32.0, 1 / 16.0, 1 / 8.0, 1 / 4.0, 1.0)


def contrast_ratio(fa, fp, negatives_features, eps=1e-7):
    loss = 0
    for l, w in enumerate(LEVEL_WEIGHTS):
        ap = (fa[l] - fp[l]).abs().mean()
        an = sum((fa[l] - fn[l]).abs().mean() for fn in negatives_features)
        loss = loss + w * ap / (an + eps)
    return loss


def noisy(lr, gen):
    """NegativeDegradation with the defaults: Gaussian noise always, sigma U(1, 30) / 255, gray with p 0.5, clip."""
    n, c, h, w = lr.shape
    sigma = (1 + 29 * torch.rand(n, 1, 1, 1, generator=gen)) / 255.0
    gray = torch.rand(n, 1, 1, 1, generator=gen) < 0.5
    color = torch.randn(n, c, h, w, generator=gen)
    mono = torch.randn(n, 1, h, w, generator=gen).expand(n, c, h, w)
    return (lr + torch.where(gray, mono, color) * sigma).clamp(0, 1)


def tokens(z):
    return z.permute(0, 2, 3, 1).reshape(-1, z.size(1))


def dmm_loss(student_z, teacher_z, codebook, tau=1.0):
    def logits(t):
        d = t.pow(2).sum(1, keepdim=True) + codebook.pow(2).sum(1) - 2 * t @ codebook.t()
        return -d / tau

    target = logits(tokens(teacher_z)).softmax(1)
    return -(logits(tokens(student_z)).log_softmax(1) * target).sum(1).mean()


def spatial_affinity(fm):
    f = fm.flatten(2)
    f = f / (f.pow(2).sum(1, keepdim=True).sqrt() + 1e-7)
    return (f.transpose(1, 2) @ f).unsqueeze(1)


def fakd_loss(student_taps, teacher_taps, pairs):
    return sum((spatial_affinity(student_taps[s]) - spatial_affinity(teacher_taps[t])).abs().mean() for s, t in pairs)


# ---------------------------------------------------------------- the measured steps
def blas_library():
    """The BLAS shared library this process mapped (Debian's python3-torch links the system libblas.so.3)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.rsplit("/", 1)[-1]}
        return ", ".join(sorted(os.path.realpath(x) for x in libs)) or None
    except OSError:
        return None


def percentiles(ms):
    ms = sorted(ms)
    return {"median_ms": ms[len(ms) // 2], "p90_ms": ms[int(len(ms) * 0.9)]}


def build_teacher(path):
    teacher = Rlfn(4, 52, 6, input_range=255.0)
    loaded = None
    if path and os.path.isfile(path):
        teacher.load_state_dict(torch.load(path, map_location="cpu"))
        loaded = os.path.normpath(path)
    teacher.requires_grad_(False).eval()
    return teacher, loaded


def train(args):
    torch.manual_seed(10)
    gen = torch.Generator().manual_seed(10)
    teacher, loaded = build_teacher(args.teacher)
    n, p, s = args.batch, args.patch, 4
    lr_np = np.random.default_rng(10).random((n, 3, p, p), dtype=np.float32)
    hr_np = np.random.default_rng(11).random((n, 3, p * s, p * s), dtype=np.float32)
    encoder = RandomConvEncoder()
    pairs = [tuple(x.split(":")) for x in args.fakd_pairs.split(",")]
    result = {}
    for variant in args.variants.split(","):
        if variant not in ("scratch", "logits", "config", "fakd"):
            raise SystemExit("--variants: unknown variant '%s'; known: scratch, logits, config, fakd" % variant)
        student = Rlfn(s, 24, 2, 16)
        ema = Rlfn(s, 24, 2, 16).requires_grad_(False)
        ema.load_state_dict(student.state_dict())
        history = Rlfn(s, 24, 2, 16).requires_grad_(False).eval()
        history.load_state_dict(ema.state_dict())
        codebook = torch.randn(64, 256, generator=gen)
        params = list(student.parameters())
        opt = torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.99), eps=1e-8)

        def step():
            lr = torch.from_numpy(lr_np.copy())  # the Java bench copies the batch into new arrays every step
            hr = torch.from_numpy(hr_np.copy())
            opt.zero_grad(set_to_none=True)
            taps = {} if variant == "fakd" else None
            sr = student(lr, taps)
            loss = F.l1_loss(sr, hr)
            if variant != "scratch":
                t_taps = {} if variant == "fakd" else None
                with torch.no_grad():
                    t = teacher(lr * 255.0, t_taps) / 255.0
                if variant == "fakd":
                    loss = 0.5 * loss + 0.5 * F.l1_loss(sr, t) + 10 * fakd_loss(taps, t_taps, pairs)
                else:
                    loss = loss + F.l1_loss(sr, t)
                if variant == "config":
                    fa = encoder(sr)
                    with torch.no_grad():
                        fp = encoder(t)
                        fns = [encoder(history(lr if j == 0 else noisy(lr, gen))) for j in range(5)]
                    loss = loss + 0.1 * contrast_ratio(fa, fp, fns) + 0.001 * dmm_loss(fa[-1], fp[-1], codebook)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, args.grad_clip)
            opt.step()
            with torch.no_grad():
                for pe, ps in zip(ema.parameters(), params):
                    pe.mul_(args.ema).add_(ps, alpha=1 - args.ema)

        ms = []
        for i in range(args.warmup + args.steps):
            t0 = time.perf_counter()
            step()
            if i >= args.warmup:
                ms.append((time.perf_counter() - t0) * 1e3)
        result[variant] = percentiles(ms)
        print("%-8s %10.1f %10.1f" % (variant, result[variant]["median_ms"], result[variant]["p90_ms"]), flush=True)
        if args.profile:
            # the same trace format as './dckd bench train --profile' (tools/bench/trace_summary.py reads both)
            os.makedirs(args.profile, exist_ok=True)
            with torch.autograd.profiler.profile() as prof:
                for _ in range(args.profile_steps):
                    step()
            prof.export_chrome_trace(os.path.join(args.profile, variant + ".trace.json"))
    return {"variants": result, "teacher_weights": loaded, "batch": n, "lr_patch": p}


def infer(args):
    torch.manual_seed(0)
    result = {}
    builders = {"rlfn": lambda: Rlfn(args.scale, 52, 6, input_range=255.0), "imdn": lambda: Imdn(args.scale),
                "swinir_lightweight": lambda: SwinIrLight(args.scale)}
    for model in args.models.split(","):
        if model not in builders:
            raise SystemExit("--models: no twin for '%s'; twins: %s" % (model, ", ".join(builders)))
        net = builders[model]().eval()
        for size in [int(x) for x in args.sizes.split(",")]:
            x = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(size))
            ms = []
            with torch.no_grad():
                for i in range(args.warmup + args.steps):
                    t0 = time.perf_counter()
                    r = net.input_range
                    out = net(x * r) / r if r != 1 else net(x)
                    del out
                    if i >= args.warmup:
                        ms.append((time.perf_counter() - t0) * 1e3)
            case = dict(percentiles(ms), model=model, lr_size=size)
            result["%s_%d" % (model, size)] = case
            print("%-24s %10.1f %10.1f" % (model + "_" + str(size), case["median_ms"], case["p90_ms"]), flush=True)
    return {"cases": result, "scale": args.scale}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    for name in ("train", "infer"):
        s = sub.add_parser(name)
        s.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
        s.add_argument("--json", help="write the results to this file")
        s.add_argument("--warmup", type=int, default=5 if name == "train" else 3)
        s.add_argument("--steps", type=int, default=30 if name == "train" else 10)
    t = sub.choices["train"]
    t.add_argument("--variants", default="scratch,logits,config,fakd")
    t.add_argument("--profile", help="after the measured steps, record --profile-steps more with torch's profiler"
                   " into PROFILE/<variant>.trace.json")
    t.add_argument("--profile-steps", type=int, default=5)
    t.add_argument("--teacher", default=SHARED_TEACHER, help="RLFN x4 .pth (random weights when absent)")
    t.add_argument("--batch", type=int, default=8)
    t.add_argument("--patch", type=int, default=32)
    t.add_argument("--lr", type=float, default=0.002)
    t.add_argument("--grad-clip", type=float, default=5.0)
    t.add_argument("--ema", type=float, default=0.999)
    t.add_argument("--fakd-pairs", default="block_1:block_2,block_2:block_4", help="student:teacher tap pairs")
    i = sub.choices["infer"]
    i.add_argument("--models", default="rlfn,imdn")
    i.add_argument("--scale", type=int, default=4)
    i.add_argument("--sizes", default="128,256")
    args = ap.parse_args(argv)
    if args.warmup < 0 or args.steps < 1:
        raise SystemExit("--warmup must be >= 0 and --steps >= 1")
    torch.set_num_threads(args.threads)
    out = {"tool": "torch_twin", "what": args.what, "torch_version": torch.__version__,
           "threads": torch.get_num_threads(), "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
           "warmup": args.warmup, "steps": args.steps, "blas": blas_library()}
    if out["blas"] and "/blas/" in out["blas"]:
        print("torch_twin: warning: the reference BLAS (%s) is in use, matrix products are several times slower than"
              " in a PyTorch wheel; install libopenblas0-openmp (docs/performance.md)" % out["blas"], file=sys.stderr)
    out.update(train(args) if args.what == "train" else infer(args))
    if args.json:
        with open(args.json + ".tmp", "w") as f:
            json.dump(out, f, indent=2)
            f.write("\n")
        os.replace(args.json + ".tmp", args.json)
        print("wrote " + args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
