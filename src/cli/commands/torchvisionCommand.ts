// `layer-lens torchvision NAME`: a torchvision classifier built by the user's Python (pretrained weights fetched by
// torchvision into its own cache) and exported to ONNX with its module tree and a preprocessing sidecar.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { exportTorchvision } from '../../core/node/python/exportTorchvision';
import { defaultPythonCandidates, findTorchPython } from '../../core/node/python/findPython';
import { LayerLensError } from '../../shared/errors';
import { required } from '../cliArgs';
import { checkOutFolder } from '../outputFiles';

export const torchvisionUsage = 'layer-lens torchvision NAME [--pretrained] --out DIR [--python P]   (NAME: resnet18, googlenet, alexnet, …)';

export async function torchvisionCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseWithName(argv);
  if (positionals.length !== 1) throw new LayerLensError('badArgument', `Name one torchvision model (such as resnet18)${positionals.length ? `, not ${positionals.length}` : ''}.`);
  const outDir = resolve(required(values, 'out'));
  checkOutFolder(outDir);
  const found = await findTorchPython(defaultPythonCandidates(values.python));
  const done = await exportTorchvision({
    python: found.python,
    name: positionals[0],
    pretrained: values.pretrained === true,
    outDir,
    onProgress: (message) => process.stderr.write(`layer-lens torchvision: ${message}…\n`),
  });
  process.stdout.write(`Wrote ${done.modelPath} (input ${done.inputShape.join('×')}) and ${done.sidecarPath}\n`);
}

function parseWithName(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new LayerLensError('badArgument', (e as Error).message.split('\n')[0]);
  }
}

const OPTIONS = {
  out: { type: 'string' },
  pretrained: { type: 'boolean' },
  python: { type: 'string' },
} as const;
