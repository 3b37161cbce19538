#!/usr/bin/env python3
"""PyTorch side of bench:peer's attribution rows: the same work as Layer Lens's core on torchvision's GoogLeNet
(random weights, eval mode, parameters frozen so backward computes input and layer gradients only) at 224 px,
written as Captum computes it (Captum is not installed here): one forward + backward to the input, Grad-CAM at
inception4e (LayerGradCam + interpolate), Integrated Gradients 32 steps in batches of 8 and 1 step, SmoothGrad
25 samples in batches of 8, occlusion with 49 windows of 32 px in batches of 8.

Usage: attributionPeer.py --threads N --runs N [--device cpu|cuda]. Prints one JSON object per line:
{"task": ..., "ms": median}. scripts/gpuKit/py/torchPeerGpu.py times the same methods (AttributionMethods) on a GPU.
"""
import argparse
import json

import torch
import torch.nn.functional as F

from torchPeer import build_model, device_sync, median_ms as timed_median


def median_ms(fn, runs, sync=None):
    """torchPeer's timing (its script folder is on sys.path), with one warm-up call, as the Layer Lens side does."""
    return timed_median(fn, runs, warmup=1, sync=sync)[0]


class AttributionMethods:
    """The attribution methods on model `m` for input `x` (1 x 3 x H x W, on the model's device) and class `k`."""

    def __init__(self, m, x, k=0):
        self.m, self.x, self.k = m, x, k

    def input_grad(self, batch):
        batch = batch.clone().requires_grad_(True)
        self.m(batch)[:, self.k].sum().backward()
        return batch.grad

    def forward_backward(self):
        return self.input_grad(self.x)

    def grad_cam(self, layer='inception4e'):
        held = {}

        def keep(_m, _i, out):
            # Returns None: a forward hook's return value would replace the module's output.
            out.retain_grad()
            held['a'] = out

        h = dict(self.m.named_modules())[layer].register_forward_hook(keep)
        xx = self.x.clone().requires_grad_(True)
        self.m(xx)[:, self.k].sum().backward()
        h.remove()
        a = held['a']
        cam = F.relu((a.grad.mean(dim=(2, 3), keepdim=True) * a).sum(dim=1, keepdim=True))
        return F.interpolate(cam, size=self.x.shape[2:], mode='bilinear', align_corners=False)

    def ig(self, steps, batch):
        x = self.x
        total = torch.zeros_like(x)
        for s in range(0, steps, batch):
            alphas = (torch.arange(s, min(steps, s + batch), dtype=x.dtype, device=x.device) + 0.5) / steps
            total += self.input_grad(alphas.view(-1, 1, 1, 1) * x).sum(dim=0, keepdim=True)
        return (x * total / steps).sum(dim=1)

    def smoothgrad(self, samples, batch):
        x = self.x
        total = torch.zeros_like(x)
        sigma = 0.15 * float(x.max() - x.min())
        for s in range(0, samples, batch):
            n = min(batch, samples - s)
            noise = torch.randn(n, *x.shape[1:], device=x.device)
            total += self.input_grad(x + sigma * noise).abs().sum(dim=0, keepdim=True)
        return total.amax(dim=1)

    def occlusion(self, window, batch):
        x = self.x
        size = x.shape[2]
        starts = list(range(0, size - window + 1, window))
        windows = [(y, xx) for y in starts for xx in starts]
        with torch.no_grad():
            self.m(x)
            for s in range(0, len(windows), batch):
                part = windows[s:s + batch]
                occluded = x.repeat(len(part), 1, 1, 1)
                for i, (y, xx) in enumerate(part):
                    occluded[i, :, y:y + window, xx:xx + window] = 0
                self.m(occluded)


def googlenet_methods(device='cpu'):
    """torchPeer's GoogLeNet (seed 0) and a uniform random 224 px input, class 0."""
    m = build_model('googlenet', device)
    x = torch.rand(1, 3, 224, 224).to(device)
    return AttributionMethods(m, x, 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--device', default='cpu')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t = googlenet_methods(a.device)
    sync = device_sync(a.device)

    def emit(task, ms):
        print(json.dumps({'task': task, 'ms': ms}), flush=True)

    emit('forwardBackward', median_ms(t.forward_backward, a.runs, sync))
    emit('gradcam', median_ms(t.grad_cam, a.runs, sync))
    emit('ig1', median_ms(lambda: t.ig(1, 1), a.runs, sync))
    emit('ig32', median_ms(lambda: t.ig(32, 8), 1, sync))
    emit('smoothgrad25', median_ms(lambda: t.smoothgrad(25, 8), 1, sync))
    emit('occlusion49', median_ms(lambda: t.occlusion(32, 8), 1, sync))


if __name__ == '__main__':
    main()
