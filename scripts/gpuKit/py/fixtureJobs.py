"""The work prepare.py hands to its worker processes: one ONNX fixture (makeOnnxFixtures.make), the attribution
references (attributionRefs.main) or a chunk of images, with the torch differences patched (torchCompat).

Each job returns what it printed instead of letting it reach stdout, and turns the scripts' SystemExit into an
exception: a SystemExit inside a pool worker kills that worker and its task would never answer."""
import contextlib
import io
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE_SCRIPTS = os.path.normpath(os.path.join(HERE, '..', '..', 'fixtures'))
for p in (HERE, FIXTURE_SCRIPTS):
    if p not in sys.path:
        sys.path.insert(0, p)


class JobFailed(Exception):
    pass


def _run(fn, *args):
    """fn(*args) with its prints captured and its warnings silenced; returns (result, printed lines)."""
    import torchCompat
    warnings.filterwarnings('ignore')
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            torchCompat.use_torchscript_onnx_export()
            result = fn(*args)
    except SystemExit as e:
        raise JobFailed(str(e.code)) from None
    return result, [line for line in out.getvalue().splitlines() if line.strip()]


def fixture(name, out_dir):
    """One network of fixtureNets.py, exported into out_dir; returns (its index.json entry, printed lines)."""
    import makeOnnxFixtures
    return _run(makeOnnxFixtures.make, name, out_dir)


def attribution(fixtures_dir, out_dir):
    """attributionRefs.py FIXTURES_DIR OUT_DIR in this process; returns (seconds, printed lines)."""
    import attributionRefs

    def main():
        t0 = time.time()
        saved = sys.argv
        sys.argv = ['attributionRefs.py', fixtures_dir, out_dir]
        try:
            attributionRefs.main()
        finally:
            sys.argv = saved
        return time.time() - t0

    return _run(main)


def images(out_dir, start, count, size):
    """Writes a chunk of images; returns (how many, seconds)."""
    import syntheticImages
    t0 = time.time()
    return syntheticImages.write_images(out_dir, start, count, size), time.time() - t0
