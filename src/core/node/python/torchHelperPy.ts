// The Python that Layer Lens runs with the user's interpreter (sent on its stdin, so no file has to ship beside the
// bundles). Commands: probe | inspect PATH | convert PATH N,C,H,W OUT | torchvision NAME 0|1 OUT. It answers in JSON
// lines on stdout (progress, then one result or error); torch's own output goes to stderr, which only the log sees.
// Kept compatible with Python 3.8 and torch 1.10 to 2.x.
export const TORCH_HELPER_PY = String.raw`
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


# ---- reading a .pt/.pth ----------------------------------------------------------------------------------------

class MissingClass(Exception):
    def __init__(self, module, name, err):
        Exception.__init__(self, module + '.' + name)
        self.module = module
        self.name = name
        self.err = err


def recording_pickle():
    """The pickle module, whose Unpickler names the class it could not import (torch.load subclasses it)."""
    import pickle
    import types
    mod = types.ModuleType('pickle')
    mod.__dict__.update({k: v for k, v in pickle.__dict__.items() if not k.startswith('__')})

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            try:
                return pickle.Unpickler.find_class(self, module, name)
            except (ImportError, AttributeError) as err:
                raise MissingClass(module, name, err)

    mod.Unpickler = Unpickler
    return mod


def pickle_globals(path):
    """The (module, name) pairs a torch.save file imports, read from its pickle opcodes without running them."""
    import pickletools
    import zipfile
    streams = []
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            streams = [io.BytesIO(z.read(n)) for n in z.namelist() if n.endswith('data.pkl')]
    else:
        with open(path, 'rb') as f:
            streams = [io.BytesIO(f.read(64 * 1024 * 1024))]
    found = []
    for stream in streams:
        # The legacy format is several pickles in a row (magic number, version, system info, then the object).
        for _ in range(5):
            strings = []
            try:
                for op, arg, _pos in pickletools.genops(stream):
                    if op.name == 'GLOBAL':
                        module, _, name = arg.partition(' ')
                        found.append((module, name))
                    elif op.name in ('SHORT_BINUNICODE', 'BINUNICODE', 'BINUNICODE8', 'UNICODE'):
                        strings.append(arg)
                    elif op.name == 'STACK_GLOBAL' and len(strings) >= 2:
                        found.append((strings[-2], strings[-1]))
            except Exception:
                break
    return found


def first_unimportable_global(path):
    import importlib
    for module, name in pickle_globals(path):
        try:
            obj = importlib.import_module(module)
            for part in name.split('.'):
                obj = getattr(obj, part)
        except Exception:
            return module + '.' + name
    return None


def is_torchscript_archive(path):
    import zipfile
    if not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except Exception:
        return False
    return any(n.endswith('/constants.pkl') or '/code/' in n for n in names)


def supports_weights_only(torch):
    import inspect
    try:
        return 'weights_only' in inspect.signature(torch.load).parameters
    except (TypeError, ValueError):
        return False


def tensor_dict(torch, obj):
    return isinstance(obj, dict) and len(obj) > 0 and all(isinstance(k, str) for k in obj) and \
        all(torch.is_tensor(v) or isinstance(v, (int, float)) for v in obj.values()) and \
        any(torch.is_tensor(v) for v in obj.values())


STATE_KEYS = ('state_dict', 'model_state_dict', 'model', 'net', 'module', 'weights')


def state_dict_of(torch, obj):
    """(where, keys) when obj is a state dict or a checkpoint holding one; else None."""
    if tensor_dict(torch, obj):
        return None, list(obj.keys())
    if isinstance(obj, dict):
        for key in STATE_KEYS:
            if key in obj and tensor_dict(torch, obj[key]):
                return key, list(obj[key].keys())
    return None


def load_file(torch, path, need_module):
    """(kind, object): kind torchscript | pickledModule | stateDict; raises Failure for anything else."""
    if not os.path.isfile(path):
        raise Failure('notFound')
    if is_torchscript_archive(path):
        try:
            m = torch.jit.load(path, map_location='cpu')
        except Exception as err:
            raise Failure('badTorchScript', last_line(err))
        return 'torchscript', m
    weights_only = supports_weights_only(torch)
    if weights_only:
        # A state dict loads without running any code from the file; a pickled module needs the full unpickler.
        try:
            obj = torch.load(path, map_location='cpu', weights_only=True)
            found = state_dict_of(torch, obj)
            if found is not None:
                return 'stateDict', found
            raise Failure('notAModule', type(obj).__name__)
        except Failure:
            raise
        except Exception:
            pass
    kwargs = {'weights_only': False} if weights_only else {}
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        obj = torch.load(path, map_location='cpu', pickle_module=recording_pickle(), **kwargs)
    except MissingClass as err:
        raise Failure('missingClass', last_line(err.err), className=err.module + '.' + err.name)
    except (ImportError, AttributeError) as err:
        # Some torch versions (1.13) ignore pickle_module when weights_only is False: find the class that fails.
        missing = first_unimportable_global(path)
        if missing:
            raise Failure('missingClass', last_line(err), className=missing)
        raise Failure('notPytorch', last_line(err))
    except Exception as err:
        raise Failure('notPytorch', last_line(err))
    found = state_dict_of(torch, obj)
    if found is not None:
        return 'stateDict', found
    if isinstance(obj, torch.nn.Module):
        if isinstance(obj, (torch.nn.DataParallel, torch.nn.parallel.DistributedDataParallel)):
            obj = obj.module
        return 'pickledModule', obj
    raise Failure('notAModule', type(obj).__name__)


def class_name(m):
    name = getattr(m, 'original_name', None)
    if name and type(m).__name__ == 'RecursiveScriptModule':
        return name
    return type(m).__module__ + '.' + type(m).__qualname__


def infer_input_shape(m):
    """NCHW from the first conv's input channels (224 px, the usual ImageNet side); [1, F] for a linear first."""
    for name, p in m.named_parameters():
        if not name.endswith('weight'):
            continue
        if p.dim() == 4:
            return [1, int(p.shape[1]), 224, 224]
        if p.dim() == 2:
            return [1, int(p.shape[1])]
        if p.dim() in (3, 5):
            return None
    return None


def inspect_file(path):
    torch = import_torch()
    kind, obj = load_file(torch, path, False)
    if kind == 'stateDict':
        where, keys = obj
        return {'kind': kind, 'stateDictKey': where, 'keys': keys[:8], 'keyCount': len(keys)}
    out = {'kind': kind, 'className': class_name(obj)}
    shape = infer_input_shape(obj)
    if shape:
        out['inputShape'] = shape
    return out


# ---- export ----------------------------------------------------------------------------------------------------

def module_path(hierarchy):
    """'SELF(ResNet).layer1(Sequential).0(BasicBlock).conv1(Conv2d).SELF(Conv2d)' -> ['layer1', '0', 'conv1']."""
    import re
    # A traced module's hierarchy has no root atom ('block(Block).conv(Conv2d)'): every atom but SELF is a module.
    atoms = re.findall(r'([^.()]+)\(([^()]*)\)', hierarchy)
    return [inst for inst, _type in atoms if inst not in ('SELF', 'UNKNOWN_INSTANCE')]


def scope_segment(path, depth):
    # As the tracer writes a scope: from the last non-numeric atom on ('layer1.0', 'conv.0.0', 'conv1').
    i = depth
    while i > 0 and path[i].isdigit():
        i -= 1
    return '.'.join(path[i:depth + 1])


class ScriptScopeNames:
    """Names the nodes of an exported TorchScript graph after their module path, as torch.onnx names a traced
    module's nodes (/layer1/layer1.0/conv1/Conv): torch gives a scripted graph's nodes shorter, partly missing
    scopes, while each node still knows the module call it came from (its inlined call stack)."""

    def __init__(self, torch):
        self.torch = torch
        self.original = getattr(torch._C, '_jit_pass_onnx_assign_scoped_names_for_node_and_value', None)
        self.renamed = 0

    def __enter__(self):
        if self.original is not None and hasattr(self.torch._C.Node, 'getModuleHierarchy'):
            original = self.original

            def assign(graph):
                original(graph)
                try:
                    self.rename(graph)
                except Exception:
                    traceback.print_exc()
            self.torch._C._jit_pass_onnx_assign_scoped_names_for_node_and_value = assign
        return self

    def __exit__(self, *exc):
        if self.original is not None:
            self.torch._C._jit_pass_onnx_assign_scoped_names_for_node_and_value = self.original

    def rename(self, graph):
        used = set()
        prev_path, prev_shown = [], []
        calls = {}
        for node in graph.nodes():
            if 'onnx_name' not in node.attributeNames():
                continue
            path = module_path(node.getModuleHierarchy())
            if not path:
                continue
            shown = []
            same_call = True
            for d in range(len(path)):
                if same_call and d < len(prev_path) and prev_path[:d + 1] == path[:d + 1]:
                    shown.append(prev_shown[d])
                    continue
                same_call = False
                seg = scope_segment(path, d)
                key = (tuple(shown), seg)
                n = calls.get(key, 0)
                calls[key] = n + 1
                shown.append(seg if n == 0 else seg + '_' + str(n))
            prev_path, prev_shown = path, shown
            op = node.kind().split('::')[-1]
            base = '/' + '/'.join(shown) + '/' + op
            name, k = base, 0
            while name in used:
                k += 1
                name = base + '_' + str(k)
            used.add(name)
            node.s_('onnx_name', name)
            self.renamed += 1


def export_onnx(torch, model, shape, out_path, scripted):
    import inspect
    model.eval()
    model.float()
    x = torch.rand(shape, generator=torch.Generator().manual_seed(0))
    try:
        with torch.no_grad():
            y = model(x)
    except Exception as err:
        raise Failure('forwardFailed', last_line(err))
    single = torch.is_tensor(y)
    params = inspect.signature(torch.onnx.export).parameters
    kwargs = {'input_names': ['input'], 'do_constant_folding': True, 'training': torch.onnx.TrainingMode.EVAL}
    if single:
        kwargs['output_names'] = ['output']
    if 'dynamo' in params:
        kwargs['dynamo'] = False
    last = None
    for opset in (13, 17):
        try:
            with ScriptScopeNames(torch) if scripted else NoNames():
                torch.onnx.export(model, (x,), out_path, opset_version=opset, **kwargs)
            return opset
        except Exception as err:
            last = err
            traceback.print_exc()
            if 'opset' not in str(err).lower():
                break
    raise Failure('exportFailed', last_line(last))


class NoNames:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def parse_shape(text):
    return [int(v) for v in text.split(',')]


def convert(path, shape_text, out_path):
    torch = import_torch()
    progress('Loading ' + os.path.basename(path) + ' with torch ' + torch.__version__.split('+')[0])
    kind, obj = load_file(torch, path, True)
    if kind == 'stateDict':
        where, keys = obj
        raise Failure('stateDict', None, stateDictKey=where, keys=keys[:8], keyCount=len(keys))
    shape = infer_input_shape(obj) if shape_text == 'infer' else parse_shape(shape_text)
    if not shape:
        raise Failure('noShape', None, kind=kind, className=class_name(obj))
    progress('Exporting to ONNX at input shape ' + '\u00d7'.join(str(d) for d in shape))
    opset = export_onnx(torch, obj, shape, out_path, kind == 'torchscript')
    return {'kind': kind, 'className': class_name(obj), 'inputShape': shape, 'opset': opset}


def torchvision_export(name, pretrained, out_path):
    torch = import_torch()
    try:
        import torchvision
    except Exception as err:
        raise Failure('noTorchvision', last_line(err))
    import inspect
    models = torchvision.models
    builder = getattr(models, name, None)
    if not name.islower() or builder is None or not callable(builder) or isinstance(builder, type):
        names = sorted(n for n, v in vars(models).items() if n.islower() and not n.startswith('_') and callable(v) and not isinstance(v, type))
        raise Failure('unknownModel', None, names=names)
    weights_enum = None
    if hasattr(models, 'get_model_weights'):
        try:
            weights_enum = models.get_model_weights(name)
        except Exception:
            weights_enum = None
    params = inspect.signature(builder).parameters
    meta = {'crop': 224, 'resize': 256, 'mean': [0.485, 0.456, 0.406], 'std': [0.229, 0.224, 0.225], 'categories': None}
    default = getattr(weights_enum, 'DEFAULT', None) if weights_enum is not None else None
    if default is not None:
        try:
            t = default.transforms()
            meta['crop'] = int(t.crop_size[0])
            meta['resize'] = int(t.resize_size[0])
            meta['mean'] = [float(v) for v in t.mean]
            meta['std'] = [float(v) for v in t.std]
        except Exception:
            traceback.print_exc()
        meta['categories'] = list(default.meta.get('categories') or []) or None
    elif name.startswith('inception'):
        meta['crop'], meta['resize'] = 299, 342
    kwargs = {}
    if 'weights' in params:
        kwargs['weights'] = 'DEFAULT' if pretrained else None
    elif pretrained:
        kwargs['pretrained'] = True
    if not pretrained and name in ('googlenet', 'inception_v3'):
        # Their builders default to init_weights only without weights, with a warning; say it outright.
        if 'init_weights' in params or name in ('googlenet', 'inception_v3'):
            kwargs['init_weights'] = True
    progress(('Downloading or loading the pretrained weights of ' if pretrained else 'Building ') + name)
    try:
        model = builder(**kwargs)
    except Exception as err:
        text = repr(err).lower()
        if pretrained and any(s in text for s in ('urlopen', 'urlerror', 'name or service', 'network', 'connection', 'temporary failure', 'timed out', 'getaddrinfo', 'http error')):
            raise Failure('noNetwork', last_line(err))
        raise Failure('buildFailed', last_line(err))
    progress('Exporting ' + name + ' to ONNX')
    shape = [1, 3, meta['crop'], meta['crop']]
    opset = export_onnx(torch, model, shape, out_path, False)
    return {'inputShape': shape, 'opset': opset, 'meta': meta, 'torchvision': torchvision.__version__.split('+')[0]}


def main(argv):
    watch_parent()
    try:
        cmd = argv[0] if argv else ''
        if cmd == 'probe':
            result = probe()
        elif cmd == 'inspect':
            result = inspect_file(argv[1])
        elif cmd == 'convert':
            result = convert(argv[1], argv[2], argv[3])
        elif cmd == 'torchvision':
            result = torchvision_export(argv[1], argv[2] == '1', argv[3])
        else:
            raise Failure('usage', cmd)
        emit('result', result=result)
    except Failure as f:
        fields = {'kind': f.kind}
        if f.detail:
            fields['detail'] = f.detail
        fields.update(f.extra)
        emit('error', **fields)
    except BaseException as err:
        traceback.print_exc()
        emit('error', kind='unexpected', detail=last_line(err))
    finally:
        _protocol.flush()


main(sys.argv[1:])
`;
