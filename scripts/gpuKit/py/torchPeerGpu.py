#!/usr/bin/env python3
"""The PyTorch peer of the GPU kit's bench rows (scripts/gpuKit/README-interface.md): the same work as Layer Lens's
rows, on the same network (torchvision GoogLeNet, random weights, BatchNorm unfolded, eval mode, parameters
frozen: fixtures/googlenet.onnx's architecture), timed on --device. The work itself is bench/peer's (torchPeer.py,
attributionPeer.py), imported, so bench:peer on the CPU and this run time the same code.

Usage: torchPeerGpu.py --fixtures DIR --images DIR --device cuda|cpu --json FILE [--quick] [sizes]

Timings: a warm-up call first, then the median of --runs calls; on CUDA every clock read waits for the device
(torch.cuda.synchronize). TF32 is off, so convolutions run in IEEE float32 as the WebGPU shaders do, and cuDNN's
autotuning too (cudnn.benchmark stays False: the Lucid transforms give every step another shape). FILE is
rewritten after each row, so a run killed midway keeps the rows it finished. Top-k decodes and resizes on
DataLoader workers, as Layer Lens decodes on a worker thread.
"""
import argparse
import json
import os
import platform
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.normpath(os.path.join(HERE, '..', '..', '..', 'bench', 'peer'))]

import torch  # noqa: E402

import torchCompat  # noqa: E402
from attributionPeer import AttributionMethods  # noqa: E402
from torchPeer import (bench_hooks, bench_lucid, build_model, device_sync, forward_upto, image_files,  # noqa: E402
                       load_image, lucid_step_fn, median_ms, normalize)

LAYER = 'inception4a'
SIZE = 224
# Full sizes (the GPU run) and --quick's (a rehearsal on a CPU); an explicit option wins over either.
FULL = {'units': 32, 'steps': 8, 'ig_steps': 32, 'smoothgrad': 25, 'atlas_units': 512, 'atlas_steps': 128,
        'topk_images': 2000, 'runs': 3}
QUICK = {'units': 4, 'steps': 2, 'ig_steps': 8, 'smoothgrad': 4, 'atlas_units': 8, 'atlas_steps': 2,
         'topk_images': 16, 'runs': 1}
ATLAS_BATCH = 32
TOPK_K = 9


class ImageFiles(torch.utils.data.Dataset):
    """The folder's images decoded and stretched to SIZE x SIZE, CHW float32 in [0, 1] (torchPeer.load_image)."""

    def __init__(self, files):
        self.files = files

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        return torch.from_numpy(load_image(self.files[i], SIZE)).permute(2, 0, 1)


def topk_pass(model, loader, device):
    """Top-9 images of every inception4a channel (by the channel's maximum): Layer Lens's top-k work."""
    best = None
    with torch.no_grad():
        for x in loader:
            y = forward_upto(model, normalize(x.to(device, non_blocking=True)), LAYER)
            scores = y.amax(dim=(2, 3))
            best = scores if best is None else torch.cat([best, scores])
            best = torch.topk(best, min(TOPK_K, best.shape[0]), dim=0).values
    return best.cpu()


class Rows:
    """The JSON file of the interface, rewritten after every row."""

    def __init__(self, path, device):
        self.path = path
        self.doc = {'side': 'pytorch', 'device': device.type, 'name': device_name(device), 'torch': torch.__version__,
                    'precision': torchCompat.full_float32_precision() if device.type == 'cuda' else 'float32',
                    'rows': []}
        self.write()

    def add(self, key, value, unit, note):
        self.doc['rows'].append({'key': key, 'value': value, 'unit': unit, 'note': note})
        self.write()
        shown = 'not run' if value is None else f'{value:.4g} {unit}'
        print(f'torchPeerGpu: {key}: {shown} ({note})', flush=True)

    def write(self):
        tmp = f'{self.path}.tmp'
        with open(tmp, 'w') as f:
            json.dump(self.doc, f, indent=1)
        os.replace(tmp, self.path)


def device_name(device):
    if device.type == 'cuda':
        return torch.cuda.get_device_name(device)
    return f'{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads'


def parse_args(argv):
    ap = argparse.ArgumentParser(description='PyTorch peer of the GPU kit rows.')
    ap.add_argument('--fixtures', required=True, help="prepare.py's fixtures folder (googlenet must be in it)")
    ap.add_argument('--images', required=True, help="prepare.py's images folder")
    ap.add_argument('--device', default='cuda')
    ap.add_argument('--json', required=True)
    ap.add_argument('--quick', action='store_true', help='small sizes, one run: a rehearsal')
    for name in FULL:
        ap.add_argument('--' + name.replace('_', '-'), dest=name, type=int, default=None)
    ap.add_argument('--topk-batch', type=int, default=64)
    ap.add_argument('--occlusion-window', type=int, default=32,
                    help='occlusion window and stride in px (default 32: 49 windows, the interface row; larger: fewer)')
    ap.add_argument('--workers', type=int, default=0, help='DataLoader workers (default: cores - 2, at most 12)')
    ap.add_argument('--threads', type=int, default=0, help='torch CPU threads (default: torch\'s own)')
    a = ap.parse_args(argv)
    for name, full in FULL.items():
        if getattr(a, name) is None:
            setattr(a, name, QUICK[name] if a.quick else full)
    return a


def check_inputs(a):
    """Bad input in one sentence, before any long work."""
    index = os.path.join(a.fixtures, 'index.json')
    if not os.path.isfile(index):
        raise SystemExit(f'torchPeerGpu: {a.fixtures} has no index.json: run scripts/gpuKit/py/prepare.py first')
    with open(index) as f:
        if 'googlenet' not in json.load(f).get('models', {}):
            raise SystemExit(f'torchPeerGpu: {index} lists no googlenet fixture (prepare.py --only must include it)')
    if not 1 <= a.occlusion_window <= SIZE:
        raise SystemExit(f'torchPeerGpu: --occlusion-window {a.occlusion_window}: a window is 1 to {SIZE} px')
    if not os.path.isdir(a.images) or not image_files(a.images):
        raise SystemExit(f'torchPeerGpu: {a.images} holds no .jpg/.png images: run scripts/gpuKit/py/prepare.py first')
    try:
        device = torch.device(a.device)
    except RuntimeError:
        raise SystemExit(f'torchPeerGpu: --device {a.device} is not a torch device (cuda, cuda:0, cpu)') from None
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise SystemExit(f'torchPeerGpu: --device {a.device}, but this torch {torch.__version__} sees no CUDA device')
    return device


def timed_row(rows, key, unit, note, measure):
    """One row; an error leaves it with value null and the reason, and the next rows still run."""
    try:
        value = measure()
    except Exception as e:  # noqa: BLE001  (a row that cannot run is reported, never fatal)
        note = note() if callable(note) else note
        if torch.cuda.is_available():
            torch.cuda.empty_cache()  # what an out-of-memory row held, so the next rows can run
        rows.add(key, None, unit, f'{note}; failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}')
        return
    rows.add(key, value, unit, note() if callable(note) else note)


def main():
    a = parse_args(sys.argv[1:])
    device = check_inputs(a)
    if a.threads:
        torch.set_num_threads(a.threads)
    t0 = time.time()
    rows = Rows(a.json, device)
    sync = device_sync(device)
    model = build_model('googlenet', device)
    runs = a.runs

    def feature_maps():
        names = [n for n, _ in model.named_modules() if n]
        maps, _ = bench_hooks(model, SIZE, names, runs, read_back=device.type != 'cpu')
        return maps['ms']

    n_modules = sum(1 for n, _ in model.named_modules() if n)
    timed_row(rows, 'featureMaps.all', 'ms', f'{n_modules} modules hooked, outputs read back to the host, median of {runs}', feature_maps)

    # The attribution rows: attributionPeer's methods, input and class (seed 0 model, uniform 224 px input, class 0).
    x = torch.rand(1, 3, SIZE, SIZE).to(device)
    t = AttributionMethods(model, x, 0)

    def ms(fn, n=runs):
        return median_ms(fn, n, warmup=1, sync=sync)[0]

    timed_row(rows, 'forwardBackward', 'ms', f'median of {runs}', lambda: ms(t.forward_backward))
    timed_row(rows, 'gradcam.inception4e', 'ms', f'median of {runs}', lambda: ms(t.grad_cam))
    timed_row(rows, 'ig.1', 'ms', f'1 step, median of {runs}', lambda: ms(lambda: t.ig(1, 1)))
    timed_row(rows, 'ig.32', 'ms', f'{a.ig_steps} steps, batches of 8, median of {runs}', lambda: ms(lambda: t.ig(a.ig_steps, 8)))
    timed_row(rows, 'ig.32.batch32', 'ms', f'{a.ig_steps} steps, batches of 32, median of {runs}', lambda: ms(lambda: t.ig(a.ig_steps, 32)))
    timed_row(rows, 'smoothgrad.25', 'ms', f'{a.smoothgrad} samples, batches of 8, median of {runs}', lambda: ms(lambda: t.smoothgrad(a.smoothgrad, 8)))
    w = a.occlusion_window
    timed_row(rows, 'occlusion', 'ms', f'{(SIZE // w) ** 2} windows of {w} px, batches of 8, median of {runs}', lambda: ms(lambda: t.occlusion(w, 8)))

    for key, units in [('actmax.1', None), ('actmax.N', list(range(a.units)))]:
        n = 1 if units is None else len(units)
        note = f'{n} unit{"s" if n > 1 else ""}, {a.steps} steps, median of {runs}'
        timed_row(rows, key, 'ms/step', note, lambda units=units: bench_lucid(model, SIZE, LAYER, 0, a.steps, runs, 'googlenet', units)['ms'])

    files = image_files(a.images)[:a.topk_images]
    workers = a.workers or max(1, min(12, (os.cpu_count() or 2) - 2))

    def topk_on(n):
        loader = torch.utils.data.DataLoader(ImageFiles(files), batch_size=a.topk_batch, num_workers=n,
                                             pin_memory=device.type == 'cuda', persistent_workers=n > 0)
        # The warm-up pass also starts the workers, which later passes keep.
        return len(files) / (ms(lambda: topk_pass(model, loader, device)) / 1000)

    decoders = [workers]  # what the top-k row ran on (0: the main process, after the workers failed)

    def topk():
        try:
            return topk_on(workers)
        except RuntimeError as e:
            # Workers killed for want of shared memory (a container's 64 MB /dev/shm): a number decoded in this
            # process beats no number; the log says so.
            if workers == 0:
                raise
            print(f'torchPeerGpu: top-k on {workers} DataLoader workers failed ({str(e).splitlines()[0] if str(e) else type(e).__name__}): '
                  'timed again decoding in the main process', flush=True)
            decoders[0] = 0
            return topk_on(0)

    timed_row(rows, 'topk.imagesPerSecond', 'img/s',
              lambda: f'{len(files)} images, top-{TOPK_K} per {LAYER} channel, batch {a.topk_batch}, decode + resize on '
                      f'{f"{decoders[0]} DataLoader workers" if decoders[0] else "the main process (the workers failed)"}, median of {runs}',
              topk)

    def atlas():
        """Every unit in batches of 32, each batch its own Lucid run of atlas_steps steps; one run, timed whole."""
        sync()
        t1 = time.perf_counter()
        for start in range(0, a.atlas_units, ATLAS_BATCH):
            step = lucid_step_fn(model, SIZE, LAYER, 0, list(range(start, min(a.atlas_units, start + ATLAS_BATCH))))
            for _ in range(a.atlas_steps):
                step()
        sync()
        return time.perf_counter() - t1

    timed_row(rows, 'atlas.inception4a', 's', f'{a.atlas_units} units x {a.atlas_steps} Lucid steps, batches of {ATLAS_BATCH}, one run', atlas)
    print(f'torchPeerGpu: {len(rows.doc["rows"])} rows on {rows.doc["name"]} in {time.time() - t0:.1f} s -> {a.json}', flush=True)


if __name__ == '__main__':
    main()
