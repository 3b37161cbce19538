#!/usr/bin/env python3
"""PyTorch side of bench:peer's attribution rows: the same work as Layer Lens's core on torchvision's GoogLeNet
(random weights, eval mode, parameters frozen so backward computes input and layer gradients only) at 224 px,
written as Captum computes it (Captum is not installed here): one forward + backward to the input, Grad-CAM at
inception4e (LayerGradCam + interpolate), Integrated Gradients 32 steps in batches of 8 and 1 step, SmoothGrad
25 samples in batches of 8, occlusion with 49 windows of 32 px in batches of 8.

Usage: attributionPeer.py --threads N --runs N. Prints one JSON object per line: {"task": ..., "ms": median}.
"""
import argparse
import json

import torch
import torch.nn.functional as F
import torchvision

from torchPeer import median_ms as timed_median


def median_ms(fn, runs):
    """torchPeer's timing (its script folder is on sys.path), with one warm-up call, as the Layer Lens side does."""
    return timed_median(fn, runs, warmup=1)[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--runs', type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    m = torchvision.models.googlenet(weights=None, aux_logits=False, transform_input=False, init_weights=True).eval()
    for p in m.parameters():
        p.requires_grad_(False)
    x = torch.rand(1, 3, 224, 224)
    k = 0

    def input_grad(batch):
        batch = batch.clone().requires_grad_(True)
        m(batch)[:, k].sum().backward()
        return batch.grad

    def grad_cam():
        held = {}

        def keep(_m, _i, out):
            # Returns None: a forward hook's return value would replace the module's output.
            out.retain_grad()
            held['a'] = out

        h = m.inception4e.register_forward_hook(keep)
        xx = x.clone().requires_grad_(True)
        m(xx)[:, k].sum().backward()
        h.remove()
        a = held['a']
        cam = F.relu((a.grad.mean(dim=(2, 3), keepdim=True) * a).sum(dim=1, keepdim=True))
        return F.interpolate(cam, size=(224, 224), mode='bilinear', align_corners=False)

    def ig(steps, batch):
        total = torch.zeros_like(x)
        for s in range(0, steps, batch):
            alphas = (torch.arange(s, min(steps, s + batch), dtype=x.dtype) + 0.5) / steps
            total += input_grad(alphas.view(-1, 1, 1, 1) * x).sum(dim=0, keepdim=True)
        return (x * total / steps).sum(dim=1)

    def smoothgrad(samples, batch):
        total = torch.zeros_like(x)
        sigma = 0.15 * float(x.max() - x.min())
        for s in range(0, samples, batch):
            n = min(batch, samples - s)
            total += input_grad(x + sigma * torch.randn(n, *x.shape[1:])).abs().sum(dim=0, keepdim=True)
        return total.amax(dim=1)

    def occlusion(window, batch):
        starts = list(range(0, 224 - window + 1, window))
        windows = [(y, xx) for y in starts for xx in starts]
        with torch.no_grad():
            m(x)
            for s in range(0, len(windows), batch):
                part = windows[s:s + batch]
                occluded = x.repeat(len(part), 1, 1, 1)
                for i, (y, xx) in enumerate(part):
                    occluded[i, :, y:y + window, xx:xx + window] = 0
                m(occluded)

    def emit(task, ms):
        print(json.dumps({'task': task, 'ms': ms}), flush=True)

    emit('forwardBackward', median_ms(lambda: input_grad(x), a.runs))
    emit('gradcam', median_ms(grad_cam, a.runs))
    emit('ig1', median_ms(lambda: ig(1, 1), a.runs))
    emit('ig32', median_ms(lambda: ig(32, 8), 1))
    emit('smoothgrad25', median_ms(lambda: smoothgrad(25, 8), 1))
    emit('occlusion49', median_ms(lambda: occlusion(32, 8), 1))


if __name__ == '__main__':
    main()
