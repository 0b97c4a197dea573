#!/usr/bin/env python3
"""Golden values for dckd-data's Y-channel PSNR/SSIM protocol (and the float bicubic enlargement).

Written independently of the Java code, with numpy only (Debian's python3 has no scipy; when scipy is importable the
SSIM is cross-checked with scipy.ndimage as well). PNG files are decoded with zlib here, so the cases that read the
shared benchmark images also check that the Java PNG reader returns the exact stored values.

Protocol (shared/docs/imresize-and-metrics.md, section 3):
  SR -> clip to [0, 255] -> round half up (floor(v + 0.5)); HR -> modcrop(scale) (top-left kept);
  Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255 in float64, not rounded; remove `scale` pixels per border;
  PSNR = 10 log10(255^2 / MSE); SSIM = mean of the valid-region SSIM map with an 11x11 Gaussian window (sigma 1.5,
  normalised as MATLAB fspecial), C1 = (0.01*255)^2, C2 = (0.03*255)^2, sigma^2 = E[x^2] - mu^2.

Usage (from the repository root):
  /usr/bin/python3 tools/reference/metrics_golden.py ../shared dckd-data/src/test/resources/golden/metrics_golden.json
"""
import base64
import json
import math
import struct
import sys
import zlib

import numpy as np


# ----------------------------------------------------------------------------------------------------------- PNG
def read_png(path):
    """Decodes an 8-bit, non-interlaced PNG (gray, gray+alpha, RGB, RGBA) to uint8 HxWx3 (gray replicated)."""
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError(path + ': not a PNG')
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        (n,) = struct.unpack('>I', data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat.append(body)
        elif kind == b'IEND':
            break
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or interlace != 0 or ctype not in (0, 2, 4, 6):
        raise ValueError(path + ': unsupported PNG layout %r' % (ihdr,))
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = np.frombuffer(zlib.decompress(b''.join(idat)), np.uint8)
    stride = w * bpp
    out = np.zeros((h, stride), np.int64)
    prev = np.zeros(stride, np.int64)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)].astype(np.int64)
        cur = np.zeros(stride, np.int64)
        if f == 0:
            cur = line.copy()
        elif f == 2:
            cur = (line + prev) & 255
        else:
            for x in range(0, stride, bpp):
                a = cur[x - bpp:x] if x >= bpp else np.zeros(bpp, np.int64)
                b = prev[x:x + bpp]
                c = prev[x - bpp:x] if x >= bpp else np.zeros(bpp, np.int64)
                if f == 1:
                    pred = a
                elif f == 3:
                    pred = (a + b) // 2
                elif f == 4:
                    p = a + b - c
                    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
                    pred = np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))
                else:
                    raise ValueError('bad filter %d' % f)
                cur[x:x + bpp] = (line[x:x + bpp] + pred) & 255
        out[y] = cur
        prev = cur
    img = out.reshape(h, w, bpp).astype(np.uint8)
    if ctype in (0, 4):
        return np.repeat(img[:, :, :1], 3, axis=2)
    return img[:, :, :3].copy()


# ------------------------------------------------------------------------------------------------------ protocol
def modcrop(img, s):
    h, w = img.shape[:2]
    return img[:h - h % s, :w - w % s]


def quantize(x):
    return np.floor(np.clip(x.astype(np.float64), 0, 255) + 0.5)


def y_channel(img):
    img = img.astype(np.float64)
    return 16.0 + (65.481 * img[:, :, 0] + 128.553 * img[:, :, 1] + 24.966 * img[:, :, 2]) / 255.0


def psnr(a, b):
    mse = np.mean((a - b) ** 2)
    return float('inf') if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def fspecial_gaussian(size=11, sigma=1.5):
    r = (size - 1) / 2
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    h = np.exp(-(xx * xx + yy * yy) / (2 * sigma * sigma))
    h[h < np.finfo(float).eps * h.max()] = 0
    return h / h.sum()


def filter_valid(img, win):
    """MATLAB filter2(win, img, 'valid') by summing shifted slices (the window is symmetric)."""
    k = win.shape[0]
    oh, ow = img.shape[0] - k + 1, img.shape[1] - k + 1
    out = np.zeros((oh, ow))
    for dy in range(k):
        for dx in range(k):
            out += win[dy, dx] * img[dy:dy + oh, dx:dx + ow]
    return out


def ssim(a, b):
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    win = fspecial_gaussian()
    mu1, mu2 = filter_valid(a, win), filter_valid(b, win)
    s11 = filter_valid(a * a, win) - mu1 * mu1
    s22 = filter_valid(b * b, win) - mu2 * mu2
    s12 = filter_valid(a * b, win) - mu1 * mu2
    m = ((2 * mu1 * mu2 + c1) * (2 * s12 + c2)) / ((mu1 * mu1 + mu2 * mu2 + c1) * (s11 + s22 + c2))
    try:  # optional cross-check with scipy when available (not on Debian's python3 here)
        from scipy import ndimage
        g = fspecial_gaussian()
        def f(x):
            return ndimage.correlate(x, g, mode='constant')[5:-5, 5:-5]
        m2 = ((2 * f(a) * f(b) + c1) * (2 * (f(a * b) - f(a) * f(b)) + c2)) / (
            (f(a) ** 2 + f(b) ** 2 + c1) * (f(a * a) - f(a) ** 2 + f(b * b) - f(b) ** 2 + c2))
        assert abs(m2.mean() - m.mean()) < 1e-12, (m2.mean(), m.mean())
    except ImportError:
        pass
    return float(m.mean())


def evaluate(sr, hr, scale):
    """Full protocol; sr float HxWx3 (0..255 scale, any values), hr uint8 HxWx3."""
    hr = modcrop(hr, scale)
    assert sr.shape == hr.shape, (sr.shape, hr.shape)
    ys = y_channel(quantize(sr))[scale:-scale, scale:-scale]
    yh = y_channel(hr)[scale:-scale, scale:-scale]
    return psnr(ys, yh), ssim(ys, yh)


# ------------------------------------------------------------------------------------- MATLAB bicubic (float)
def cubic(x):
    a = np.abs(x)
    return ((1.5 * a ** 3 - 2.5 * a ** 2 + 1) * (a <= 1)
            + (-0.5 * a ** 3 + 2.5 * a ** 2 - 4 * a + 2) * ((a > 1) & (a <= 2)))


def resize_matrix(in_len, scale):
    """(out_len x in_len) matrix of MATLAB imresize bicubic weights, symmetric boundary folded in."""
    out_len = int(math.ceil(in_len * scale))
    width = 4.0 / scale if scale < 1 else 4.0
    x = np.arange(1, out_len + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - width / 2)
    p = int(math.ceil(width)) + 2
    idx = left[:, None] + np.arange(p)[None, :]
    d = u[:, None] - idx
    wts = scale * cubic(scale * d) if scale < 1 else cubic(d)
    wts = wts / wts.sum(axis=1, keepdims=True)
    aux = np.concatenate([np.arange(in_len), np.arange(in_len - 1, -1, -1)])
    src = aux[np.mod(idx.astype(np.int64) - 1, 2 * in_len)]
    m = np.zeros((out_len, in_len))
    for o in range(out_len):
        for j in range(p):
            m[o, src[o, j]] += wts[o, j]
    return m


def imresize_float(img, scale):
    """imresize on double data: height pass then width pass, no rounding."""
    img = img.astype(np.float64)
    mh = resize_matrix(img.shape[0], scale)
    mw = resize_matrix(img.shape[1], scale)
    out = np.einsum('oh,hwc->owc', mh, img)
    return np.einsum('pw,owc->opc', mw, out)


# ---------------------------------------------------------------------------------------------------- cases
def b64(arr):
    return base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode('ascii')


def chw(img):
    return np.ascontiguousarray(np.transpose(img, (2, 0, 1)))


def synthetic_hr(h, w, seed):
    rng = np.random.RandomState(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    base = np.stack([60 + 2.5 * xx + 1.5 * yy, 200 - 3 * yy + 10 * np.sin(xx / 3), 128 + 60 * np.cos((xx + yy) / 5)],
                    axis=2)
    return np.clip(np.round(base + rng.normal(0, 8, base.shape)), 0, 255).astype(np.uint8)


def synthetic_sr(hr_cropped, seed):
    rng = np.random.RandomState(seed)
    sr = (hr_cropped.astype(np.float64) + rng.normal(0, 6, hr_cropped.shape)).astype(np.float32)
    # exercise the quantization convention: exact ties round up, out-of-range values clamp
    sr[0, 0, 0], sr[1, 1, 1], sr[2, 2, 2] = 10.5, 127.5, 254.5
    sr[3, 3, 0], sr[4, 4, 1] = -7.25, 270.75
    sr[20, 20, 0], sr[20, 21, 1] = 100.5, 33.5
    return sr


def main():
    shared, out_path = sys.argv[1], sys.argv[2]
    cases = []

    for name, (h, w), scale, seed in [('synthetic_x4', (48, 56), 4, 1), ('synthetic_x3_modcrop', (35, 41), 3, 2)]:
        hr = synthetic_hr(h, w, seed)
        sr = synthetic_sr(modcrop(hr, scale), seed + 100)
        p, s = evaluate(sr, hr, scale)
        cases.append({
            'name': name, 'scale': scale,
            'hr': {'width': w, 'height': h, 'uint8_chw_base64': b64(chw(hr))},
            'sr': {'width': sr.shape[1], 'height': sr.shape[0], 'float32_le_chw_base64': b64(chw(sr).astype('<f4'))},
            'psnr': p, 'ssim': s})

    # real images: SR = modcropped HR shifted by one pixel (edge repeated)
    for name, rel, scale, axis in [('set5_baby_shift_x4', 'data/benchmarks/Set5/HR/baby.png', 4, 'x'),
                                   ('set14_bridge_shift_x3', 'data/benchmarks/Set14/HR/bridge.png', 3, 'y')]:
        hr = read_png(shared + '/' + rel)
        hrc = modcrop(hr, scale).astype(np.float64)
        if axis == 'x':
            sr = np.concatenate([hrc[:, 1:], hrc[:, -1:]], axis=1)
        else:
            sr = np.concatenate([hrc[1:], hrc[-1:]], axis=0)
        p, s = evaluate(sr, hr, scale)
        cases.append({'name': name, 'scale': scale, 'hr': {'shared': rel, 'sum_of_values': int(hr.astype(np.int64).sum())},
                      'sr': {'shift_of_modcropped_hr': axis}, 'psnr': p, 'ssim': s})

    # bicubic enlargement baseline: Set5 shipped LR x4 -> float MATLAB bicubic x4 -> protocol
    baseline = []
    for img in ['baby', 'bird', 'butterfly', 'head', 'woman']:
        hr = read_png('%s/data/benchmarks/Set5/HR/%s.png' % (shared, img))
        lr = read_png('%s/data/benchmarks/Set5/LR_bicubic/X4/%sx4.png' % (shared, img))
        sr = imresize_float(lr, 4.0)
        p, s = evaluate(sr, hr, 4)
        baseline.append({'image': img, 'psnr': p, 'ssim': s})

    doc = {
        'description': 'Y-channel PSNR/SSIM golden values for dckd-data, from tools/reference/metrics_golden.py '
                       '(numpy %s). Protocol: SR clip [0,255] + round half up; HR modcrop(scale); BT.601 Y unrounded; '
                       'shave scale px; PSNR peak 255; SSIM 11x11 gaussian sigma 1.5 valid, C1=(0.01*255)^2, '
                       'C2=(0.03*255)^2. Arrays: CHW, base64. "shared" paths are relative to the shared folder.'
                       % np.__version__,
        'cases': cases,
        'bicubic_x4_set5': {
            'description': 'SR = MATLAB bicubic enlargement x4 (double, no intermediate rounding) of the shipped '
                           'Set5 LR_bicubic/X4 image, then the protocol with scale 4',
            'images': baseline,
            'mean_psnr': float(np.mean([b['psnr'] for b in baseline])),
            'mean_ssim': float(np.mean([b['ssim'] for b in baseline]))},
    }
    with open(out_path, 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    for c in cases:
        print('%-24s psnr %.10f ssim %.10f' % (c['name'], c['psnr'], c['ssim']))
    for b in baseline:
        print('bicubic x4 %-10s psnr %.6f ssim %.6f' % (b['image'], b['psnr'], b['ssim']))
    print('bicubic x4 Set5 mean    psnr %.4f ssim %.4f (published: 28.42 / 0.8104)'
          % (doc['bicubic_x4_set5']['mean_psnr'], doc['bicubic_x4_set5']['mean_ssim']))


if __name__ == '__main__':
    main()
