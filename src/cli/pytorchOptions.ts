// `.pt`/`.pth` models in every CLI command: --python and --input-shape are taken out of the arguments before the
// command parses them, and the PyTorch hook of the model loader is pointed at a conversion through the user's
// Python into the cache (~/.cache/layer-lens/converted), reused on the next run.
import { loadModel } from '../core/node/loadModelFile';
import { setPytorchOpener } from '../core/node/pytorchModelHook';
import { pytorchCacheRoot } from '../core/node/python/convertCache';
import { parseInputShape } from '../core/node/python/convertPytorch';
import { defaultPythonCandidates } from '../core/node/python/findPython';
import { pytorchOpener } from '../core/node/python/pytorchOpener';
import { LayerLensError } from '../shared/errors';

export const pytorchOptionsUsage = 'A .pt/.pth model (TorchScript or a pickled nn.Module) is converted to ONNX with your Python and torch (--python P, else $LAYER_LENS_PYTHON, python3, python) into ~/.cache/layer-lens/converted; --input-shape N,C,H,W where it cannot be inferred.';

export const SHAPE_HINT = 'with --input-shape N,C,H,W (such as 1,3,224,224)';

/** Removes `--python P` and `--input-shape S` (also `--flag=value`) from `args`; returns them and the rest. */
export function takePytorchOptions(args: readonly string[]): { rest: string[]; python?: string; inputShape?: string } {
  const rest: string[] = [];
  const found: { python?: string; inputShape?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const flag = a === '--python' ? 'python' : a === '--input-shape' ? 'inputShape' : undefined;
    if (flag) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new LayerLensError('badArgument', `${a} needs a value.`);
      found[flag] = value;
      i++;
      continue;
    }
    const eq = /^--(python|input-shape)=(.*)$/.exec(a);
    if (eq) {
      found[eq[1] === 'python' ? 'python' : 'inputShape'] = eq[2];
      continue;
    }
    rest.push(a);
  }
  return { rest, ...found };
}

/** Lets the command's loadModel open PyTorch files: converted (or taken from the cache) and loaded as ONNX. */
export function installPytorchOpener(python: string | undefined, inputShape: string | undefined, modelPath: string | undefined): void {
  const shape = inputShape !== undefined ? parseInputShape(inputShape, modelPath ?? 'the model') : undefined;
  setPytorchOpener(
    pytorchOpener({
      cacheRoot: pytorchCacheRoot(),
      pythonCandidates: defaultPythonCandidates(python),
      inputShape: shape,
      shapeHint: SHAPE_HINT,
      onProgress: (message) => process.stderr.write(`layer-lens: ${message}…\n`),
      loadOnnx: (onnxPath, options) => loadModel(onnxPath, options),
    }),
  );
}
