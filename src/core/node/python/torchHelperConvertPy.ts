// The helper script's ONNX export and its convert command (a part joined in torchHelperPy.ts): a TorchScript or
// pickled module to ONNX at a given or inferred input shape; a scripted graph's nodes get the module-path names
// torch.onnx gives a traced one's. The torchvision part exports through export_onnx too.
export const CONVERT_PY = String.raw`
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
`;
