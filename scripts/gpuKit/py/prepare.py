#!/usr/bin/env python3
"""Makes, with this machine's torch, everything the GPU kit reads (scripts/gpuKit/README-interface.md):

  DIR/fixtures/     the ONNX fixtures, as .cache/fixtures/<key>/ holds them (makeOnnxFixtures.py's files and
                    index.json, written last)
  DIR/attribution/  PyTorch's attribution references on them, as .cache/attribution/<key>/ holds them
                    (attributionRefs.py; needs googlenet, mnist_cnn and convnext_block_opset17)
  DIR/images/       N seeded synthetic JPEGs, img00000.jpg ..., for the top-k rows
  DIR/cacheKeys.json  the two cache keys, so the folders can be linked where the test helpers look

Usage: prepare.py --out DIR [--images N] [--size 224] [--only NAME,NAME] [--no-attribution] [--workers N]

It imports the fixture scripts rather than copying them (their hash is the fixture cache key) and runs them with
torch.onnx.export pinned to the TorchScript exporter (torchCompat), so torch 1.13 and torch 2.x export the same
graphs. One network per process, each torch on one thread; images in chunks on the same workers. Progress lines
on stdout start with "prepare:"; a failure exits 1 with one line on stderr.
"""
import argparse
import ast
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import time

# No __pycache__ beside the scripts in the checkout, from this process or its workers (they inherit the variable).
sys.dont_write_bytecode = True
os.environ['PYTHONDONTWRITEBYTECODE'] = '1'
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fixtureJobs  # noqa: E402  (also puts scripts/fixtures on sys.path)

# attributionRefs.py rebuilds these three fixtures.
ATTRIBUTION_NEEDS = ['googlenet', 'mnist_cnn', 'convnext_block_opset17']
# As makeOnnxFixtures.main orders them: the slowest first, so that no two end up one after the other on a core.
SLOW = ['inception_v3', 'densenet121', 'efficientnet_b0', 'shufflenet_v2']
IMAGE_CHUNK = 100


class PrepareError(Exception):
    pass


def say(text):
    print(f'prepare: {text}', flush=True)


def cache_keys():
    """The keys scripts/fixtures/fixturesCache.mjs and test/unit/attribution/attributionRefs.ts compute."""
    def read(name):
        with open(os.path.join(fixtureJobs.FIXTURE_SCRIPTS, name), 'rb') as f:
            return f.read()

    h = hashlib.sha256()
    for name in ['makeOnnxFixtures.py', 'fixtureNets.py']:
        h.update(name.encode())
        h.update(read(name))
    fixtures = h.hexdigest()[:16]
    a = hashlib.sha256()
    a.update(fixtures.encode())
    a.update(read('attributionRefs.py'))
    return {'fixtures': fixtures, 'attribution': a.hexdigest()[:16]}


def parse_args(argv):
    ap = argparse.ArgumentParser(description='Makes the GPU kit\'s fixtures, attribution references and images.')
    ap.add_argument('--out', required=True)
    ap.add_argument('--images', type=int, default=2000)
    ap.add_argument('--size', type=int, default=224)
    ap.add_argument('--only', '--nets', dest='only', default='', help='comma-separated fixture names (default: all)')
    ap.add_argument('--no-attribution', action='store_true')
    ap.add_argument('--workers', type=int, default=0, help='processes (default: one per core)')
    a = ap.parse_args(argv)
    if a.images < 0 or a.size < 8:
        raise PrepareError(f'--images {a.images} --size {a.size}: need at least 0 images of at least 8 px')
    return a


def known_names():
    """fixtureNets.NETS's names, read from its source: no torch import, so a wrong --only is refused at once."""
    with open(os.path.join(fixtureJobs.FIXTURE_SCRIPTS, 'fixtureNets.py')) as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0] if isinstance(node, ast.Assign) else None
        if isinstance(target, ast.Name) and target.id == 'NETS' and isinstance(node.value, ast.List):
            names = [e.args[0].value for e in node.value.elts
                     if isinstance(e, ast.Call) and e.args and isinstance(e.args[0], ast.Constant)]
            if len(names) == len(node.value.elts):
                return names
    from fixtureNets import NETS  # a NETS this reading does not understand: ask Python
    return [n.name for n in NETS]


def fixture_names(only):
    known = known_names()
    wanted = [n for n in only.split(',') if n]
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise PrepareError(f'--only names {", ".join(unknown)}, which fixtureNets.py does not have ({", ".join(known)})')
    names = [n for n in known if not wanted or n in wanted]
    names.sort(key=lambda n: SLOW.index(n) if n in SLOW else len(SLOW))
    return names


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def made_with():
    import torch
    import torchvision
    # The same words as makeOnnxFixtures.main writes.
    return (f'torch {torch.__version__}, torchvision {torchvision.__version__}, opset 13 (17 where noted), '
            'scaled random init; compare with relative L2 error')


def prepare(a):
    t0 = time.time()
    names = fixture_names(a.only)
    with_attribution = not a.no_attribution and all(n in names for n in ATTRIBUTION_NEEDS)
    out = os.path.abspath(a.out)
    fixtures = fresh_dir(os.path.join(out, 'fixtures'))
    images = fresh_dir(os.path.join(out, 'images'))
    attribution = os.path.join(out, 'attribution')
    shutil.rmtree(attribution, ignore_errors=True)
    workers = a.workers or max(1, min(os.cpu_count() or 1, len(names) + 1))
    say(f'{len(names)} fixtures, {a.images} images of {a.size} px{", attribution references" if with_attribution else ""} '
        f'into {out} on {workers} processes')

    # The three that attributionRefs.py rebuilds first (they are quick), then the slow ones.
    order = [n for n in names if n in ATTRIBUTION_NEEDS] + [n for n in names if n not in ATTRIBUTION_NEEDS]
    with multiprocessing.get_context('spawn').Pool(workers) as pool:
        started = {n: pool.apply_async(fixtureJobs.fixture, (n, fixtures)) for n in order}
        entries = {}

        def collect(name):
            entry, printed = started[name].get()
            entries[name] = entry
            for line in printed:
                say(f'fixture {line}')

        refs = None
        if with_attribution:
            for n in ATTRIBUTION_NEEDS:
                collect(n)
            refs = pool.apply_async(fixtureJobs.attribution, (fixtures, attribution))
        chunks = [pool.apply_async(fixtureJobs.images, (images, s, min(IMAGE_CHUNK, a.images - s), a.size))
                  for s in range(0, a.images, IMAGE_CHUNK)]
        for n in order:
            if n not in entries:
                collect(n)
        done = [c.get() for c in chunks]
        # Chunks wait in the queue behind the networks: their own seconds say what the images cost.
        say(f'images: {sum(n for n, _ in done)} JPEGs of {a.size} px in {images}, '
            f'{sum(s for _, s in done):.1f} s of work in {len(done)} chunks')
        if refs is not None:
            seconds, printed = refs.get()
            for line in printed:
                say(f'attribution {line}')
            say(f'attribution references in {attribution}, {seconds:.1f} s')
    index = {'made_with': made_with(), 'layout': 'inputs and outputs are NCHW float32 .npy',
             'models': {n: entries[n] for n in names}}
    # index.json last: its presence marks a complete set.
    with open(os.path.join(fixtures, 'index.json'), 'w') as f:
        json.dump(index, f, indent=1)
    with open(os.path.join(out, 'cacheKeys.json'), 'w') as f:
        json.dump(cache_keys(), f, indent=1)
    say(f'done in {time.time() - t0:.1f} s')


def main():
    try:
        prepare(parse_args(sys.argv[1:]))
    except (PrepareError, fixtureJobs.JobFailed) as e:
        print(f'prepare: {e}', file=sys.stderr)
        sys.exit(1)
    except Exception as e:  # a worker's error arrives here: one line, not a traceback
        print(f'prepare: failed: {type(e).__name__}: {e}'.splitlines()[0], file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
