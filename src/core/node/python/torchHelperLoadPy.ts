// The helper script's reading of a .pt/.pth (a part joined in torchHelperPy.ts): TorchScript archive, state dict
// (alone or inside a checkpoint) or pickled module, and the class a pickle could not import, named without running
// the file's code where torch allows it. Uses Failure and last_line from the protocol part.
export const LOAD_PY = String.raw`
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
`;
