#!/usr/bin/env python3
"""PyTorch side of `npm run bench:peer`: the same work as Layer Lens, timed on this CPU.

The model is torchvision's GoogLeNet (0.14) built with init_weights=True, i.e. random weights: the fixture
googlenet.onnx has the same architecture and random weights too, and only the arithmetic (FLOPs) matters for a
timing. BatchNorm stays unfolded and in eval mode, as a PyTorch user runs it; model parameters are frozen
(requires_grad False) so that a backward pass computes the input gradient only, as Layer Lens does.

Prints one JSON object per line on stdout: {"task": ..., "ms": median, "macs": multiply-adds per unit of work, ...}.
The bench functions return those objects, so scripts/gpuKit/py/torchPeerGpu.py times the same work on a GPU
(--device cuda: every clock read waits for the device's queue first).
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
import torchvision


def device_sync(device):
    """What a clock read waits for: a CUDA device runs its queue asynchronously, so it is drained first."""
    if torch.device(device).type == 'cuda':
        return torch.cuda.synchronize
    return lambda: None


def median_ms(fn, runs, warmup=2, sync=None):
    sync = sync or (lambda: None)
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        sync()
        t0 = time.perf_counter()
        fn()
        sync()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), times


def build_model(name='googlenet', device='cpu'):
    torch.manual_seed(0)
    if name == 'mobilenet_v2':
        m = torchvision.models.mobilenet_v2(weights=None)
    else:
        m = torchvision.models.googlenet(weights=None, aux_logits=False, transform_input=False, init_weights=True)
    m.eval()
    for p in m.parameters():
        p.requires_grad_(False)
    return m.to(device)


# torchvision's GoogLeNet.forward in module order; `upto` stops after that top-level module (never run past it).
ORDER = ['conv1', 'maxpool1', 'conv2', 'conv3', 'maxpool2', 'inception3a', 'inception3b', 'maxpool3',
         'inception4a', 'inception4b', 'inception4c', 'inception4d', 'inception4e', 'maxpool4',
         'inception5a', 'inception5b', 'avgpool', 'dropout', 'fc']


def forward_upto(model, x, upto):
    if isinstance(model, torchvision.models.MobileNetV2):
        # features.0 … features.18, then the classifier: the ONNX fixture names its blocks the same way.
        for i, block in enumerate(model.features):
            x = block(x)
            if f'features.{i}' == upto:
                return x
        return model.classifier(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1))
    for name in ORDER:
        if name == 'fc':
            x = torch.flatten(x, 1)
        x = getattr(model, name)(x)
        if name == upto:
            return x
    return x


def count_macs(model, x, upto):
    """Multiply-adds of the convs and linear layers run on the way to `upto`."""
    total = [0]

    def hook(mod, inp, out):
        if isinstance(mod, torch.nn.Conv2d):
            kh, kw = mod.kernel_size
            total[0] += out.numel() * (mod.in_channels // mod.groups) * kh * kw
        elif isinstance(mod, torch.nn.Linear):
            total[0] += out.numel() * mod.in_features

    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    with torch.no_grad():
        forward_upto(model, x, upto)
    for h in hs:
        h.remove()
    return total[0]


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def normalize(x):
    """ImageNet normalization, on x's device."""
    return (x - MEAN.to(x.device)) / STD.to(x.device)


def model_device(model):
    return next(model.parameters()).device


def bench_actmax(model, size, layer, unit, steps, runs):
    """Pixel parameterization (sigmoid of free logits), Adam lr 0.05, objective: mean of one channel of `layer`."""
    torch.manual_seed(1)
    param = (torch.randn(1, 3, size, size) * 0.01).to(model_device(model)).requires_grad_(True)
    opt = torch.optim.Adam([param], lr=0.05)

    def step():
        opt.zero_grad(set_to_none=True)
        img = torch.sigmoid(param)
        y = forward_upto(model, normalize(img), layer)
        loss = -y[:, unit].mean()
        loss.backward()
        opt.step()

    ms, _ = median_ms(lambda: [step() for _ in range(steps)], runs, warmup=1, sync=device_sync(model_device(model)))
    macs = count_macs(model, torch.zeros(1, 3, size, size, device=model_device(model)), layer)
    return {'task': 'actmax', 'ms': ms / steps, 'macs': 2 * macs, 'note': f'{layer} unit {unit}, {size} px, median of {runs} x {steps} steps; macs = forward + input gradient'}


# Lucid's square root of ImageNet's color covariance (its SVD form), as in lucid/optvis/param/color.py.
COLOR_SQRT = torch.tensor([[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]])
COLOR_SQRT = COLOR_SQRT / COLOR_SQRT.norm(dim=0).max()


def lucid_step_fn(model, size, layer, unit, units=None):
    """One step of Lucid's default recipe, as Layer Lens's 'lucid' preset runs it: a Fourier image (half spectrum
    scaled by 1/f, inverse real FFT, / 4), decorrelated colors and a sigmoid; Lucid's standard transforms (pad 12,
    jitter 8, scale 0.9-1.1, rotate -10..10 degrees, jitter 4); ImageNet normalization; the mean of one channel;
    the input gradient; Adam at lr 0.05. `units` (a list) optimizes one image per unit in one batch, as Layer Lens
    renders several units at once; it runs on the model's device."""
    units = [unit] if units is None else list(units)
    device = model_device(model)
    torch.manual_seed(1)
    h = w = size
    fy = torch.fft.fftfreq(h)[:, None]
    fx = torch.fft.rfftfreq(w)[None, :]
    freqs = torch.sqrt(fx * fx + fy * fy)
    spectrum_scale = ((1.0 / torch.clamp(freqs, min=1.0 / max(h, w))) * (h * w) ** 0.5).to(device)
    color_sqrt = COLOR_SQRT.to(device)
    picked = (torch.arange(len(units), device=device), torch.tensor(units, device=device))
    spectrum = (torch.randn(len(units), 3, h, w // 2 + 1, 2) * 0.01).to(device).requires_grad_(True)
    opt = torch.optim.Adam([spectrum], lr=0.05)
    rng = np.random.default_rng(2)
    scales = [1 + (i - 5) / 50 for i in range(11)]
    angles = list(range(-10, 11)) + [0] * 5

    def jitter(x, d):
        dy, dx = rng.integers(0, d + 1, size=2)
        return x[:, :, dy:dy + x.shape[2] - d, dx:dx + x.shape[3] - d]

    def rotate(x, degrees):
        if degrees == 0:
            return x
        t = np.deg2rad(degrees)
        theta = torch.tensor([[np.cos(t), -np.sin(t), 0.0], [np.sin(t), np.cos(t), 0.0]], dtype=torch.float32, device=x.device)
        grid = torch.nn.functional.affine_grid(theta.expand(x.shape[0], 2, 3), list(x.shape), align_corners=False)
        # Fill 0.5 outside, as Layer Lens does: rotate x - 0.5 with zero padding, add 0.5 back.
        return torch.nn.functional.grid_sample(x - 0.5, grid, mode='bilinear', padding_mode='zeros', align_corners=False) + 0.5

    def step():
        opt.zero_grad(set_to_none=True)
        image = torch.fft.irfft2(torch.view_as_complex(spectrum) * spectrum_scale, s=(h, w), norm='ortho') / 4
        image = torch.sigmoid(torch.einsum('nchw,dc->ndhw', image, color_sqrt))
        x = torch.nn.functional.pad(image, (12, 12, 12, 12), value=0.5)
        x = jitter(x, 8)
        x = torch.nn.functional.interpolate(x, scale_factor=float(rng.choice(scales)), mode='bilinear', align_corners=False)
        x = rotate(x, float(rng.choice(angles)))
        x = jitter(x, 4)
        y = forward_upto(model, normalize(x), layer)
        # One image per unit: each unit's mean, summed over the batch (as Layer Lens's batched objective); one unit
        # keeps the plain mean.
        loss = -y[picked].mean() if len(units) == 1 else -y[picked].mean(dim=(1, 2)).sum()
        loss.backward()
        opt.step()

    return step


def bench_lucid(model, size, layer, unit, steps, runs, name, units=None):
    step = lucid_step_fn(model, size, layer, unit, units)
    ms, times = median_ms(lambda: [step() for _ in range(steps)], runs, warmup=1, sync=device_sync(model_device(model)))
    n = 1 if units is None else len(units)
    macs = n * count_macs(model, torch.zeros(1, 3, size, size, device=model_device(model)), layer)
    which = f'unit {unit}' if units is None else f'{n} units at once'
    return {'task': 'lucid', 'ms': ms / steps, 'macs': 2 * macs, 'runsMs': [t / steps for t in times],
            'note': f'{name} → {layer} {which}, Lucid recipe, {size} px, median of {runs} x {steps} steps; macs = forward + input gradient'}


def bench_hooks(model, size, names, runs, read_back=False):
    """One forward with a hook on each named module that keeps its output (the seed's feature-map notebook);
    read_back copies every kept output to the host, as a GPU run must to show them. Returns the featureMaps and
    forward results."""
    modules = dict(model.named_modules())
    missing = [n for n in names if n not in modules]
    hooked = [n for n in names if n in modules]
    store = {}
    hs = [modules[n].register_forward_hook(lambda mod, inp, out, n=n: store.__setitem__(n, out.detach())) for n in hooked]
    device = model_device(model)
    sync = device_sync(device)
    x = torch.randn(1, 3, size, size).to(device)

    def run():
        store.clear()
        with torch.no_grad():
            model(x)
        if read_back:
            for v in store.values():
                v.cpu()

    ms, _ = median_ms(run, runs, sync=sync)
    for h in hs:
        h.remove()
    macs = count_macs(model, x, 'fc')
    maps = {'task': 'featureMaps', 'ms': ms, 'macs': macs, 'hooks': len(hooked), 'missing': missing[:5],
            'note': f'full forward, {len(hooked)} hooks{", read back" if read_back else ""}, median of {runs}'}

    def plain():
        with torch.no_grad():
            model(x)

    ms2, _ = median_ms(plain, runs, sync=sync)
    return maps, {'task': 'forward', 'ms': ms2, 'macs': macs, 'note': f'full forward, no hooks, median of {runs}'}


def image_files(folder):
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(('.png', '.jpg', '.jpeg')))


def load_image(path, size):
    """An image file decoded to RGB, stretched to size x size: HWC float32 in [0, 1]."""
    from PIL import Image
    bilinear = getattr(Image, 'Resampling', Image).BILINEAR
    im = Image.open(path).convert('RGB').resize((size, size), bilinear)
    return np.asarray(im, dtype=np.float32) / 255.0


def bench_topk(model, folder, size, layer, batch, repeats):
    """Decode every image of the folder, resize to size x size, forward to `layer` in batches, per-channel max/argmax/mean."""
    files = image_files(folder)

    def run():
        stats = []
        for start in range(0, len(files), batch):
            arrs = [load_image(f, size) for f in files[start:start + batch]]
            x = torch.from_numpy(np.stack(arrs)).permute(0, 3, 1, 2).to(model_device(model))
            with torch.no_grad():
                y = forward_upto(model, normalize(x), layer).flatten(2)
                mx, arg = y.max(dim=2)
                stats.append((mx.cpu().numpy(), arg.cpu().numpy(), y.mean(dim=2).cpu().numpy()))
        return stats

    ms, _ = median_ms(run, repeats, warmup=1, sync=device_sync(model_device(model)))
    macs = count_macs(model, torch.zeros(1, 3, size, size, device=model_device(model)), layer)
    return {'task': 'topk', 'ms': ms, 'images': len(files), 'imagesPerS': len(files) / (ms / 1000), 'macs': macs * len(files),
            'note': f'{len(files)} images, batch {batch}, to {layer}, decode + resize included, median of {repeats}'}


def bench_sgemm(runs):
    """A large matrix product: what OpenBLAS reaches on this CPU, a practical ceiling for the FLOP rate."""
    n = 2048
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    ms, _ = median_ms(lambda: torch.mm(a, b), runs)
    return {'task': 'sgemm', 'ms': ms, 'macs': n * n * n, 'note': f'{n}^3 sgemm'}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--only', default='sgemm,actmax,featureMaps,topk')
    ap.add_argument('--size', type=int, default=224)
    ap.add_argument('--layer', default='inception4a')
    ap.add_argument('--unit', type=int, default=0)
    ap.add_argument('--units', type=int, default=0, help='lucid: optimize units 0..N-1 at once, one image each (0: --unit alone)')
    ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--modules', default='', help='comma-separated module names to hook (default: every named module)')
    ap.add_argument('--images', default='', help='folder of images for top-k')
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--model', default='googlenet', choices=['googlenet', 'mobilenet_v2'])
    ap.add_argument('--device', default='cpu', help='cpu, cuda, ... (sgemm stays on the CPU)')
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    model = build_model(args.model, args.device)
    emit({'task': 'info', 'torch': torch.__version__, 'torchvision': torchvision.__version__, 'threads': torch.get_num_threads(),
          'weights': f'torchvision {args.model}, random weights, BatchNorm unfolded, eval mode, parameters frozen'})
    only = set(args.only.split(','))
    if 'sgemm' in only:
        emit(bench_sgemm(args.runs))
    if 'lucid' in only:
        emit(bench_lucid(model, args.size, args.layer, args.unit, args.steps, args.runs, args.model, list(range(args.units)) if args.units else None))
    if 'actmax' in only:
        emit(bench_actmax(model, args.size, args.layer, args.unit, args.steps, args.runs))
    if 'featureMaps' in only:
        names = [n for n in args.modules.split(',') if n] or [n for n, _ in model.named_modules() if n]
        for r in bench_hooks(model, args.size, names, args.runs):
            emit(r)
    if 'topk' in only and args.images:
        emit(bench_topk(model, args.images, args.size, args.layer, args.batch, max(1, args.runs // 2)))


if __name__ == '__main__':
    main()
