// The helper script's torchvision command (a part joined in torchHelperPy.ts): builds a torchvision model (pretrained
// or not), reads its preprocessing and categories from its weights enum where the version has one, exports it to ONNX.
export const TORCHVISION_PY = String.raw`
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
`;
