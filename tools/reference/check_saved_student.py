#!/usr/bin/python3
"""Loads the student that dckd-examples' SaveForPyTorch wrote, the PyTorch way, and compares its output with Java's.

    mvn -B -ntp -o verify -pl dckd-examples -am -Dtest=ExamplesTest -Dsurefire.failIfNoSpecifiedTests=false \
        -Ddckd.skipAvx2 -Dinvoker.skip -Ddckd.examples.out=/tmp/dckd-saved
    /usr/bin/python3 tools/reference/check_saved_student.py /tmp/dckd-saved

Needs Debian's python3-torch (PyTorch 1.13) and numpy; the tests never need Python.
"""
import sys

import numpy as np
import torch
from torch import nn

folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/dckd-saved"
state = torch.load(f"{folder}/student.pth", weights_only=True)   # only tensors and OrderedDict: no code runs
print("keys:", list(state.keys()))
net = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
                    nn.Conv2d(32, 12, 3, padding=1), nn.PixelShuffle(2))
net.load_state_dict(state)   # strict: every key and shape must match
probe = np.load(f"{folder}/probe.npz")
with torch.no_grad():
    out = net(torch.from_numpy(probe["input"])).numpy()
diff = float(np.abs(out - probe["output"]).max())
print(f"max |torch - java| = {diff:.3g} over {out.size} values")
# float32 convolutions summing 27 and 288 products: kernels may order the sums differently
sys.exit(0 if diff < 1e-5 else 1)
