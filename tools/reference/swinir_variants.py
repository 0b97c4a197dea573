#!/usr/bin/python3
"""Reference outputs of the official SwinIR for configurations the golden data set does not cover.

Usage: swinir_variants.py PATH/TO/network_swinir.py OUT.npz

PATH/TO/network_swinir.py is the official file (JingyunLiang/SwinIR@6545850, models/network_swinir.py); it is imported
as it is, with a minimal stand-in for the three `timm.models.layers` helpers it imports. Weights are not stored: every
parameter is set from a closed formula that the Java test repeats (see `deterministic_weights`), so the result file
holds only the inputs and outputs (a few KB each).

Written for PyTorch 1.13 / NumPy 1.24, CPU, float32.
"""
import importlib.util
import math
import sys
import types

import numpy as np
import torch
import torch.nn.functional as F


def install_timm_stub():
    """`to_2tuple`, `DropPath` (identity in eval mode) and `trunc_normal_`, the names network_swinir.py imports."""
    layers = types.ModuleType('timm.models.layers')

    def to_2tuple(x):
        return tuple(x) if isinstance(x, (tuple, list)) else (x, x)

    class DropPath(torch.nn.Module):
        def __init__(self, p=0.):
            super().__init__()
            self.p = p

        def forward(self, x):
            return x  # only eval mode is used here

    def trunc_normal_(t, mean=0., std=1., a=-2., b=2.):
        return torch.nn.init.trunc_normal_(t, mean, std, a, b)

    layers.to_2tuple = to_2tuple
    layers.DropPath = DropPath
    layers.trunc_normal_ = trunc_normal_
    timm = types.ModuleType('timm')
    models = types.ModuleType('timm.models')
    timm.models = models
    models.layers = layers
    sys.modules.update({'timm': timm, 'timm.models': models, 'timm.models.layers': layers})


def deterministic_weights(model):
    """Parameter number p (state-dict order), element i (C order): amp * sin(1.3 * i + 0.7 * p) (+ 1 for LayerNorm
    weights), amp = 1 / sqrt(numel / shape[0]) for tensors of rank >= 2, 0.1 otherwise. Computed in float64, stored
    as float32."""
    with torch.no_grad():
        for p, (name, t) in enumerate(model.named_parameters()):
            n = t.numel()
            i = np.arange(n, dtype=np.float64)
            amp = 1.0 / math.sqrt(n / t.shape[0]) if t.dim() >= 2 else 0.1
            v = amp * np.sin(1.3 * i + 0.7 * p)
            leaf = name.split('.')[-2] if '.' in name else ''
            if name.endswith('.weight') and t.dim() == 1 and 'norm' in leaf:
                v = v + 1.0
            t.copy_(torch.from_numpy(v.astype(np.float32)).view_as(t))


def deterministic_input(c, h, w, phase):
    i = np.arange(c * h * w, dtype=np.float64)
    return torch.from_numpy((0.5 + 0.45 * np.sin(0.91 * i + phase)).astype(np.float32)).view(1, c, h, w)


def mirror_test_pad(x, window):
    """The padding of main_test_swinir.py (symmetric, bottom/right, a whole window when already a multiple)."""
    _, _, h, w = x.shape
    ph = (h // window + 1) * window - h
    pw = (w // window + 1) * window - w
    x = torch.cat([x, torch.flip(x, [2])], 2)[:, :, :h + ph, :]
    x = torch.cat([x, torch.flip(x, [3])], 3)[:, :, :, :w + pw]
    return x


# name -> (constructor kwargs, input (c, h, w), padding convention)
VARIANTS = {
    'nearest_x4_3conv': (dict(upscale=4, in_chans=3, img_size=16, window_size=4, img_range=1., depths=[2],
                              embed_dim=8, num_heads=[2], mlp_ratio=2, upsampler='nearest+conv',
                              resi_connection='3conv'), (3, 10, 11), 'reflect'),
    'nearest_x2': (dict(upscale=2, in_chans=3, img_size=16, window_size=4, img_range=1., depths=[2], embed_dim=8,
                        num_heads=[2], mlp_ratio=2, upsampler='nearest+conv'), (3, 8, 12), 'mirror_test'),
    'none_range255': (dict(upscale=1, in_chans=3, img_size=16, window_size=4, img_range=255., depths=[2, 1],
                           embed_dim=8, num_heads=[2, 4], mlp_ratio=2, upsampler=''), (3, 9, 7), 'reflect'),
    'direct_x3_gray_ape': (dict(upscale=3, in_chans=1, img_size=8, window_size=4, img_range=1., depths=[3],
                                embed_dim=6, num_heads=[3], mlp_ratio=1.5, upsampler='pixelshuffledirect',
                                qkv_bias=False, ape=True, patch_norm=False), (1, 7, 6), 'reflect'),
    'shuffle_x3_small_img': (dict(upscale=3, in_chans=3, img_size=4, window_size=8, img_range=1., depths=[2],
                                  embed_dim=8, num_heads=[2], mlp_ratio=2, upsampler='pixelshuffle'), (3, 13, 11),
                             'reflect'),
    'shuffle_x4': (dict(upscale=4, in_chans=3, img_size=16, window_size=4, img_range=1., depths=[2], embed_dim=8,
                        num_heads=[1], mlp_ratio=2, upsampler='pixelshuffle'), (3, 6, 5), 'mirror_test'),
}


def main():
    official, out = sys.argv[1], sys.argv[2]
    install_timm_stub()
    spec = importlib.util.spec_from_file_location('network_swinir', official)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    torch.set_num_threads(1)
    arrays = {}
    for k, (name, (kwargs, (c, h, w), padding)) in enumerate(VARIANTS.items()):
        model = module.SwinIR(**kwargs).eval()
        deterministic_weights(model)
        x = deterministic_input(c, h, w, 0.3 * k)
        with torch.no_grad():
            if padding == 'mirror_test':
                s = kwargs['upscale']
                y = model(mirror_test_pad(x, kwargs['window_size']))[..., :h * s, :w * s]
            else:
                y = model(x)  # the model's own check_image_size (reflect)
        arrays[name + '/x'] = x.numpy()
        arrays[name + '/y'] = y.numpy()
        n_params = sum(p.numel() for p in model.parameters())
        arrays[name + '/n_params'] = np.array(n_params, dtype=np.int64)
        print(name, tuple(y.shape), 'params', n_params, 'mean', float(y.mean()))
    np.savez(out, **arrays)


if __name__ == '__main__':
    main()
