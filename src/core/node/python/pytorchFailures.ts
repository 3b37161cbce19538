// The sentences for what the helper script reports: one per failure kind, naming the file, quoting torch's last
// line only where it explains the problem.
import { basename, extname } from 'node:path';
import { LayerLensError } from '../../../shared/errors';
import { quoteName } from '../../../shared/userText';
import type { HelperFailure } from './runPython';

export interface FailureContext {
  /** The model file (or the torchvision model's name) the work was on. */
  file: string;
  python: string;
  inputShape?: readonly number[];
  /** What the work was, as the subject of a sentence ("Converting model.pt"). */
  what: string;
  /** How to ask for another input shape (the CLI: "with --input-shape"). */
  shapeHint?: string;
}

export function failureError(failure: HelperFailure, ctx: FailureContext): LayerLensError {
  const file = quoteName(basename(ctx.file));
  const python = quoteName(ctx.python);
  const quoted = failure.detail ? ` ("${quoteName(failure.detail, 240)}")` : '';
  switch (failure.kind) {
    case 'notFound':
      return new LayerLensError('notFound', `${quoteName(ctx.file)} was not found.`);
    case 'noTorch':
      return new LayerLensError('noPython', `${python} cannot import torch${quoted}; install PyTorch for it (pip install torch) or choose a Python that has it.`);
    case 'noTorchvision':
      return new LayerLensError('noPython', `${python} has torch but cannot import torchvision${quoted}; install it (pip install torchvision) or choose a Python that has it.`);
    case 'badTorchScript':
      return new LayerLensError('notAModel', `${file} is a TorchScript archive that the torch of ${python} cannot load${quoted}.`);
    case 'notPytorch':
      return new LayerLensError('notAModel', `${file} is not a PyTorch model file: torch.load cannot read it${quoted}.`);
    case 'notAModule':
      return new LayerLensError('notAModel', `${file} holds a ${quoteName(String(failure.detail ?? 'value'), 60)}, not a model (a TorchScript archive or a pickled nn.Module).`);
    case 'missingClass': {
      const cls = quoteName(String(failure.className ?? 'its class'), 120);
      return new LayerLensError(
        'conversionFailed',
        `${file} is a pickled module whose class ${cls} cannot be imported by ${python}${quoted}; run from the folder that has its code, or save the model as TorchScript (torch.jit.script(model).save(...)).`,
      );
    }
    case 'stateDict':
      return stateDictError(ctx.file, { stateDictKey: failure.stateDictKey, keys: failure.keys, keyCount: failure.keyCount });
    case 'forwardFailed': {
      const shape = ctx.inputShape ? ` of shape ${ctx.inputShape.join('×')}` : '';
      return new LayerLensError('badArgument', `${file} does not run on an input${shape}${quoted}; give the input shape it takes${ctx.shapeHint ? ` ${ctx.shapeHint}` : ''}.`);
    }
    case 'noShape':
      return new LayerLensError('unresolvedShape', `The input shape of ${file} cannot be told from the file; give it${ctx.shapeHint ? ` ${ctx.shapeHint}` : ' (N,C,H,W such as 1,3,224,224)'}.`);
    case 'exportFailed':
      return new LayerLensError('conversionFailed', `torch.onnx.export could not convert ${file} to ONNX${quoted}.`);
    case 'unknownModel': {
      const names = Array.isArray(failure.names) ? failure.names.filter((n): n is string => typeof n === 'string') : [];
      const some = names.slice(0, 8).join(', ');
      return new LayerLensError('badArgument', `torchvision has no classification model named ${quoteName(ctx.file, 60)}${some ? `; it has ${names.length}, for example ${some}` : ''}.`);
    }
    case 'noNetwork':
      return new LayerLensError('conversionFailed', `torchvision could not download the pretrained weights of ${quoteName(ctx.file, 60)}${quoted}; connect to the network, or export it without pretrained weights.`);
    case 'buildFailed':
      return new LayerLensError('conversionFailed', `torchvision could not build ${quoteName(ctx.file, 60)}${quoted}.`);
    default:
      return new LayerLensError('conversionFailed', `${ctx.what} failed in ${python}${quoted}.`);
  }
}

/** A state dict: weights without the architecture. The sentence says so; the snippet is the Python that fixes it. */
export function stateDictError(modelPath: string, failure: { stateDictKey?: unknown; keys?: unknown; keyCount?: unknown }): LayerLensError {
  const file = quoteName(basename(modelPath));
  const keys = Array.isArray(failure.keys) ? failure.keys.filter((k): k is string => typeof k === 'string') : [];
  const count = typeof failure.keyCount === 'number' ? failure.keyCount : keys.length;
  const where = typeof failure.stateDictKey === 'string' ? ` (under "${quoteName(failure.stateDictKey, 40)}")` : '';
  const first = keys.length > 0 ? `, ${count} tensors such as ${keys.slice(0, 3).map((k) => quoteName(k, 60)).join(', ')}` : '';
  return new LayerLensError(
    'notAModel',
    `${file} is a state dict${where}${first}: it holds weights without the architecture, so build the model in Python, load these weights and save it as TorchScript (the snippet below), then open that file.`,
    stateDictSnippet(modelPath, typeof failure.stateDictKey === 'string' ? failure.stateDictKey : undefined),
  );
}

export function stateDictSnippet(modelPath: string, key?: string): string {
  const name = basename(modelPath);
  const out = `${basename(modelPath, extname(modelPath))}_torchscript.pt`;
  const load = `torch.load(${JSON.stringify(name)}, map_location="cpu")${key ? `[${JSON.stringify(key)}]` : ''}`;
  return [
    'import torch',
    'from my_models import MyNet  # the class that defines the architecture',
    '',
    'model = MyNet()',
    `model.load_state_dict(${load})`,
    'model.eval()',
    '# torch.jit.trace(model, torch.rand(1, 3, 224, 224)) where torch.jit.script cannot compile the class',
    `torch.jit.script(model).save(${JSON.stringify(out)})`,
  ].join('\n');
}
