// The first part of the helper script (torchHelperPy.ts joins the parts): its stdout protocol (JSON lines on a copy
// of fd 1; print() and torch write to stderr), the Failure the caller turns into a sentence, the watch that ends the
// script with its parent, importing torch, and the probe command's versions.
export const PROTOCOL_PY = String.raw`
import io
import json
import os
import sys
import threading
import time
import traceback

_protocol = os.fdopen(os.dup(1), 'w', encoding='utf-8')
os.dup2(2, 1)
sys.stdout = sys.stderr


def emit(message_type, **fields):
    fields['type'] = message_type
    _protocol.write(json.dumps(fields) + '\n')
    _protocol.flush()


def progress(message):
    emit('progress', message=message)


class Failure(Exception):
    """A failure with a kind the caller turns into its sentence; detail is the quoted last line, when it helps."""

    def __init__(self, kind, detail=None, **extra):
        Exception.__init__(self, kind)
        self.kind = kind
        self.detail = detail
        self.extra = extra


def last_line(err):
    text = str(err).strip().splitlines()
    line = text[-1].strip() if text else ''
    if len(line) > 240:
        line = line[:237] + '...'
    name = type(err).__name__
    return name + ': ' + line if line else name


def watch_parent():
    # Ends this process when the one that started it is gone (killed, crashed): no conversion outlives its caller.
    parent = os.getppid()
    if os.name == 'nt' or parent <= 1:
        return

    def loop():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=loop, daemon=True).start()


def import_torch():
    try:
        import torch
    except Exception as err:
        raise Failure('noTorch', last_line(err))
    return torch


def probe():
    torch = import_torch()
    out = {'torch': torch.__version__.split('+')[0], 'python': sys.executable}
    # Versions without importing: torchvision's import alone costs a second or more.
    try:
        from importlib import metadata
    except ImportError:
        metadata = None
    for name in ('torchvision', 'onnx'):
        try:
            out[name] = metadata.version(name).split('+')[0]
        except Exception:
            pass
    return out
`;
