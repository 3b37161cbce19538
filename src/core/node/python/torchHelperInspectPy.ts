// The helper script's inspect command (a part joined in torchHelperPy.ts): what a file holds, its class and the input
// shape its first layer suggests, from the object the load part returns.
export const INSPECT_PY = String.raw`
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
`;
