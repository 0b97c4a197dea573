#!/usr/bin/env python3
"""Reference values for dckd-losses' label-consistency, DUKD and CSD-term code paths and its bicubic resizing.

No official golden data exists for these, so this script re-types the published formulas in PyTorch 1.13 with tiny,
fixed "networks" that the Java tests rebuild exactly: each network is one 3x3 convolution (padding 1, bias) from 3 to
3*s*s channels followed by PixelShuffle(s), so  net(x) = pixel_shuffle(conv3x3(x), s).  Every random choice the Java
terms would draw (transforms, tiles) is FIXED here and injected into the Java term by the test.

Formulas (docs/losses.md):
  lcr           : per sample ops in this order: invert (1 - x), flip H axis (dim -2), flip W axis (dim -1), transpose;
                  T_back = revert(T(apply(x))) with the reverse order; loss = L1(S(x), T_back)          (DCKD noising)
  dukd_zoom_in  : tiles = cat_k HR[..., r_k*h:(r_k+1)*h, c_k*w:(c_k+1)*w] along the batch (tile-major);
                  loss = L1(S(tiles), T(tiles))                                                        (DUKD code)
  dukd_zoom_out : d = imresize(lr, 1/s) (MATLAB bicubic, antialiased, double data);
                  loss = L1(S(d), lr) + L1(S(d), T(d))
  csd term      : anchor S(lr), positive T(lr), negatives = bicubic x s upsampling (torch, align_corners=False) of the
                  LR batch; "rolled": sample b gets up[b-1] (torch.roll by 1 along the batch); "batch": every up[j]
                  is a negative of every sample (the official CSD trainer); feature space = a fixed 2-level encoder
                  f1 = relu(conv3x3(x)), f2 = relu(conv3x3(avgpool2(f1))); ContrastLoss.L1_forward math with
                  level weights [0.5, 1].
Also: F.interpolate(..., mode='bicubic', align_corners=False) and MATLAB imresize(x, 1/s) outputs for the resizer.

Gradients: wrt the student output S(lr) (lcr, csd) and wrt the student's conv weight and bias (zoom-in/out, where the
student runs inside the term).

Usage (from the repository root):
  /usr/bin/python3 tools/reference/lcr_dukd_golden.py dckd-losses/src/test/resources/golden/lcr_dukd_golden
writes <prefix>.npz (float32 arrays) and <prefix>.json (scalars and the fixed choices).
"""
import json
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
SCALE = 2
B, H, W = 4, 8, 8


# ------------------------------------------------------------------------------------------------ tiny networks
def make_net(gen):
    weight = (torch.randn(3 * SCALE * SCALE, 3, 3, 3, generator=gen) * 0.2).float()
    bias = (torch.randn(3 * SCALE * SCALE, generator=gen) * 0.05).float()
    return weight, bias


def run(net, x):
    weight, bias = net
    return F.pixel_shuffle(F.conv2d(x, weight, bias, padding=1), SCALE)


# ------------------------------------------------------------------------------------------------ MATLAB imresize
def cubic(x):
    ax = np.abs(x)
    ax2, ax3 = ax * ax, ax * ax * ax
    return ((1.5 * ax3 - 2.5 * ax2 + 1) * (ax <= 1)
            + (-0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2) * ((ax > 1) & (ax <= 2)))


def matlab_matrix(n_in, factor):
    """Dense (out x in) matrix of MATLAB imresize(., 1/factor, 'bicubic') along one axis (antialiased kernel)."""
    scale = 1.0 / factor
    n_out = int(math.ceil(n_in * scale))
    width = 4.0 / scale
    taps = int(math.ceil(width)) + 2
    m = np.zeros((n_out, n_in))
    for o in range(1, n_out + 1):
        u = o / scale + 0.5 * (1 - 1 / scale)
        left = math.floor(u - width / 2)
        idx = left + np.arange(taps)                # 1-based
        wts = scale * cubic(scale * (u - idx))
        wts = wts / wts.sum()
        for i, wt in zip(idx, wts):
            j = (i - 1) % (2 * n_in)                # symmetric padding, edge repeated
            j = j if j < n_in else 2 * n_in - 1 - j
            m[o - 1, j] += wt
    return m


def imresize_down(x, factor):
    """x: (N, C, H, W) float tensor -> MATLAB imresize(x, 1/factor) in float64, returned as float32."""
    a = x.double().numpy()
    mh = matlab_matrix(a.shape[2], factor)
    mw = matlab_matrix(a.shape[3], factor)
    out = np.einsum('oh,nchw,pw->ncop', mh, a, mw)
    return torch.from_numpy(out.astype(np.float32))


# ------------------------------------------------------------------------------------------------ transforms
def apply_ops(x, ops):
    """x: (1, C, H, W); ops = (invert, flip_h_axis, flip_w_axis, transpose)."""
    inv, fh, fw, tr = ops
    if inv:
        x = 1 - x
    if fh:
        x = x.flip(-2)
    if fw:
        x = x.flip(-1)
    if tr:
        x = x.transpose(-2, -1)
    return x


def revert_ops(y, ops):
    inv, fh, fw, tr = ops
    if tr:
        y = y.transpose(-2, -1)
    if fw:
        y = y.flip(-1)
    if fh:
        y = y.flip(-2)
    if inv:
        y = 1 - y
    return y


def main(prefix):
    gen = torch.Generator().manual_seed(7000)
    student = make_net(gen)
    teacher = make_net(gen)
    lr = torch.rand(B, 3, H, W, generator=gen)
    hr = torch.rand(B, 3, H * SCALE, W * SCALE, generator=gen)
    arrays = {'student_weight': student[0], 'student_bias': student[1],
              'teacher_weight': teacher[0], 'teacher_bias': teacher[1], 'lr': lr, 'hr': hr}
    values = {'seed': 7000, 'scale': SCALE}

    # ---- label consistency
    lcr_ops = [(1, 0, 0, 1), (0, 1, 1, 0), (0, 0, 0, 0), (1, 1, 1, 1)]
    with torch.no_grad():
        t_back = torch.cat([revert_ops(run(teacher, apply_ops(lr[b:b + 1], lcr_ops[b])), lcr_ops[b])
                            for b in range(B)])
    s_out = run(student, lr).detach().requires_grad_(True)
    for reduction in ('mean', 'sum'):
        if s_out.grad is not None:
            s_out.grad = None
        loss = F.l1_loss(s_out, t_back, reduction=reduction)
        loss.backward()
        values['lcr_' + reduction] = loss.item()
        arrays['lcr_grad_student_output_' + reduction] = s_out.grad.clone()
    arrays['lcr_teacher_back'] = t_back
    arrays['student_output'] = s_out.detach()
    values['lcr_transforms'] = [list(o) for o in lcr_ops]

    # ---- DUKD zoom-in
    for key, tiles in (('zoom_in_1', [(1, 0)]), ('zoom_in_2', [(0, 1), (1, 1)])):
        w = student[0].clone().requires_grad_(True)
        b = student[1].clone().requires_grad_(True)
        crops = torch.cat([hr[..., r * H:(r + 1) * H, c * W:(c + 1) * W] for r, c in tiles], 0)
        with torch.no_grad():
            t = run(teacher, crops)
        loss = F.l1_loss(t, run((w, b), crops))
        loss.backward()
        values[key] = loss.item()
        values[key + '_tiles'] = [list(t) for t in tiles]
        arrays[key + '_grad_student_weight'] = w.grad
        arrays[key + '_grad_student_bias'] = b.grad

    # ---- DUKD zoom-out
    down = imresize_down(lr, SCALE)
    w = student[0].clone().requires_grad_(True)
    b = student[1].clone().requires_grad_(True)
    out = run((w, b), down)
    with torch.no_grad():
        t = run(teacher, down)
    pix = F.l1_loss(out, lr)
    kd = F.l1_loss(out, t)
    (pix + kd).backward()
    values['zoom_out'] = (pix + kd).item()
    values['zoom_out_pix'] = pix.item()
    values['zoom_out_kd'] = kd.item()
    arrays['zoom_out_lr_down'] = down
    arrays['zoom_out_grad_student_weight'] = w.grad
    arrays['zoom_out_grad_student_bias'] = b.grad

    # ---- CSD term with a fixed 2-level encoder
    enc1_w = torch.randn(4, 3, 3, 3, generator=gen) * 0.3
    enc1_b = torch.randn(4, generator=gen) * 0.1
    enc2_w = torch.randn(6, 4, 3, 3, generator=gen) * 0.3
    enc2_b = torch.randn(6, generator=gen) * 0.1
    arrays.update({'enc1_weight': enc1_w, 'enc1_bias': enc1_b, 'enc2_weight': enc2_w, 'enc2_bias': enc2_b})

    def encode(x):
        f1 = F.relu(F.conv2d(x, enc1_w, enc1_b, padding=1))
        f2 = F.relu(F.conv2d(F.avg_pool2d(f1, 2), enc2_w, enc2_b, padding=1))
        return [f1, f2]

    level_weights = [0.5, 1.0]
    values['csd_level_weights'] = level_weights
    with torch.no_grad():
        t_out = run(teacher, lr)
        up = F.interpolate(lr, scale_factor=SCALE, mode='bicubic', align_corners=False)
        f_pos = encode(t_out)
        f_up = encode(up)
    arrays['csd_upsampled_lr'] = up
    for mode in ('rolled', 'batch'):
        anchor = run(student, lr).detach().requires_grad_(True)
        f_anchor = encode(anchor)
        loss = 0
        for i in range(2):
            if mode == 'rolled':
                neg = torch.roll(f_up[i], 1, 0).unsqueeze(0)                 # (1, B, C, H, W): per-sample
            else:
                neg = f_up[i].unsqueeze(1).expand(-1, B, -1, -1, -1)         # (B as Nneg, B, C, H, W): shared
            d_ts = F.l1_loss(f_pos[i], f_anchor[i])
            d_sn = torch.mean(torch.abs(neg - f_anchor[i]).sum(0))
            loss = loss + level_weights[i] * d_ts / (d_sn + 1e-7)
        loss.backward()
        values['csd_' + mode] = loss.item()
        arrays['csd_' + mode + '_grad_student_output'] = anchor.grad

    # ---- resizing references
    x1 = torch.rand(2, 3, 5, 7, generator=gen)
    x2 = torch.rand(1, 3, 12, 10, generator=gen)
    arrays['resize_x1'] = x1
    arrays['resize_x1_torch_up3'] = F.interpolate(x1, scale_factor=3, mode='bicubic', align_corners=False)
    arrays['resize_x2'] = x2
    arrays['resize_x2_torch_up4'] = F.interpolate(x2, scale_factor=4, mode='bicubic', align_corners=False)
    arrays['resize_x2_matlab_down3'] = imresize_down(x2, 3)
    arrays['resize_x2_matlab_down4'] = imresize_down(x2, 4)

    np.savez(prefix + '.npz', **{k: v.detach().numpy().astype(np.float32) for k, v in arrays.items()})
    values['torch_version'] = torch.__version__
    with open(prefix + '.json', 'w') as f:
        json.dump(values, f, indent=1)
    print(json.dumps({k: v for k, v in values.items() if isinstance(v, float)}, indent=1))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'lcr_dukd_golden')
