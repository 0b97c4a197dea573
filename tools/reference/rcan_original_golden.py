#!/usr/bin/env python3
"""Golden data for loading the ORIGINAL RCAN release (yulunzhang/RCAN, EDSR-PyTorch key layout) into dckd's RCAN.

Runs the official `RCAN_TestCode/code/model/rcan.py` + `common.py` of yulunzhang/RCAN@f722e5d (files used
unmodified, imported from a checkout; nothing is copied here) for a reduced network with PyTorch's default
initialisation, and writes dckd-backbones/src/test/resources/golden/rcan_original_g2_b2_c16_x4.pth (the state dict
in the release layout, saved in PyTorch's legacy format like the 2018 release files RCAN_BIX{2,3,4,8}.pt) and
rcan_original_g2_b2_c16_x4_io.npz:

  x    (1, 3, 12, 10) float32 in [0, 1]
  y    (1, 3, 48, 40) the official forward of x * 255 (rgb_range 255, as the released models), divided by 255

Network: args n_resgroups 2, n_resblocks 2, n_feats 16, reduction 4, scale [4], rgb_range 255, n_colors 3,
res_scale 1, data_train 'DIV2K' (DIV2K mean). Seeds: torch.manual_seed(9100) before construction, 9101 for x.

Run with /usr/bin/python3 (PyTorch 1.13), RCAN_CODE = a folder holding the official `model/rcan.py` and
`model/common.py` (e.g. RCAN_TestCode/code of a checkout):
  /usr/bin/python3 tools/reference/rcan_original_golden.py RCAN_CODE
"""
import argparse
import os
import sys
from types import SimpleNamespace

import numpy as np
import torch

OUT = "dckd-backbones/src/test/resources/golden/"
NAME = "rcan_original_g2_b2_c16_x4"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("rcan_code", help="folder with the official model/rcan.py and model/common.py")
    a = p.parse_args()
    sys.path.insert(0, a.rcan_code)
    from model.rcan import RCAN  # the official class

    torch.set_num_threads(1)
    args = SimpleNamespace(n_resgroups=2, n_resblocks=2, n_feats=16, reduction=4, scale=[4], rgb_range=255,
                           n_colors=3, res_scale=1, data_train="DIV2K")
    torch.manual_seed(9100)
    net = RCAN(args).eval()
    torch.manual_seed(9101)
    x = torch.rand(1, 3, 12, 10)
    with torch.no_grad():
        y = net(x * 255) / 255
    sd = net.state_dict()
    os.makedirs(OUT, exist_ok=True)
    torch.save(sd, OUT + NAME + ".pth", _use_new_zipfile_serialization=False)
    np.savez(OUT + NAME + "_io.npz", x=x.numpy(), y=y.numpy())
    print(len(sd), "tensors,", sum(v.numel() for v in sd.values()), "values;", list(sd)[:3], "...", list(sd)[-4:])
    print("y", tuple(y.shape), "mean", float(y.mean()), "max|y|", float(y.abs().max()))


if __name__ == "__main__":
    main()
