"""What differs between the torch releases the kit's Python meets: Debian's torch 1.13 here, torch 2.x (CUDA) on
the GPU machine. Since torch 2.9 torch.onnx.export defaults to the dynamo exporter (other graphs, and it needs
onnxscript); the fixtures are made with the TorchScript exporter everywhere, so that the same graphs are checked."""
import functools
import inspect


def use_torchscript_onnx_export():
    """Makes torch.onnx.export pass dynamo=False where it has that parameter (torch >= 2.5). Idempotent."""
    import torch.onnx
    export = torch.onnx.export
    if getattr(export, 'torchscript_exporter', False):
        return
    params = inspect.signature(export).parameters
    if 'dynamo' not in params:
        return

    @functools.wraps(export)
    def torchscript_export(*args, **kwargs):
        kwargs.setdefault('dynamo', False)
        # training=EVAL is the default; should a release drop the parameter, the model is in eval mode anyway.
        if 'training' not in params:
            kwargs.pop('training', None)
        return export(*args, **kwargs)

    torchscript_export.torchscript_exporter = True
    torch.onnx.export = torchscript_export


def full_float32_precision():
    """No TF32 on Ampere and later: convolutions and matrix products in IEEE float32, as the WebGPU shaders and the
    CPU compute them (torch >= 2.9 has per-backend fp32_precision; older releases the allow_tf32 flags).
    Returns what was set, for the record."""
    import torch
    try:
        # Older releases: no cudnn.conv (AttributeError), and matmul refuses unknown names (AssertionError).
        torch.backends.cudnn.conv.fp32_precision = 'ieee'
        torch.backends.cuda.matmul.fp32_precision = 'ieee'
        return 'float32, TF32 off (fp32_precision ieee)'
    except (AttributeError, AssertionError):
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        return 'float32, TF32 off (allow_tf32 False)'
