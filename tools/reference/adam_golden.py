"""Golden values for org.dckd.core.optim.AdamOptimizer: torch.optim.Adam / AdamW on fixed gradients.

Run: /usr/bin/python3 tools/reference/adam_golden.py dckd-core/src/test/resources/golden/adam_golden.json
"""
import json
import sys

import torch

torch.manual_seed(0)
p0 = torch.randn(3, 4)
grads = [torch.randn(3, 4) for _ in range(5)]
cases = {}
for name, cls, kw in [
    ("adam", torch.optim.Adam, dict(lr=1e-2, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.0)),
    ("adam_l2", torch.optim.Adam, dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)),
    ("adamw", torch.optim.AdamW, dict(lr=1e-2, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.05)),
]:
    p = torch.nn.Parameter(p0.clone())
    opt = cls([p], **kw)
    lrs = [1e-2, 5e-3, 5e-3, 1e-3, 1e-3]
    for g, lr in zip(grads, lrs):
        for group in opt.param_groups:
            group["lr"] = lr
        p.grad = g.clone()
        opt.step()
    st = opt.state[p]
    cases[name] = dict(kwargs={k: list(v) if isinstance(v, tuple) else v for k, v in kw.items()}, lrs=lrs,
                       param=p.detach().flatten().tolist(), exp_avg=st["exp_avg"].flatten().tolist(),
                       exp_avg_sq=st["exp_avg_sq"].flatten().tolist())
out = dict(torch=torch.__version__, shape=[3, 4], p0=p0.flatten().tolist(),
           grads=[g.flatten().tolist() for g in grads], cases=cases)
with open(sys.argv[1], "w") as f:
    json.dump(out, f, indent=1)
