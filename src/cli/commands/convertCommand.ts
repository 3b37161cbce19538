// `layer-lens convert`: a PyTorch .pt/.pth (TorchScript or a pickled nn.Module) to ONNX with the user's Python.
import { copyFile, mkdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { cachedPytorchConversion, pytorchCacheRoot } from '../../core/node/python/convertCache';
import { parseInputShape } from '../../core/node/python/convertPytorch';
import { defaultPythonCandidates, findTorchPython } from '../../core/node/python/findPython';
import { LayerLensError } from '../../shared/errors';
import { parse, required } from '../cliArgs';
import { SHAPE_HINT } from '../pytorchOptions';

export const convertUsage = 'layer-lens convert --model M.pt [--input-shape 1,3,224,224] --out M.onnx [--python P]';

export async function convertCommand(argv: string[]): Promise<void> {
  const values = parse(argv, { model: { type: 'string' }, out: { type: 'string' }, 'input-shape': { type: 'string' }, python: { type: 'string' } });
  const modelPath = resolve(required(values, 'model'));
  const outPath = resolve(required(values, 'out'));
  const shapeText = values['input-shape'];
  const inputShape = typeof shapeText === 'string' ? parseInputShape(shapeText, basename(modelPath)) : undefined;
  if (outPath === modelPath) throw new LayerLensError('badArgument', `--out ${outPath} is the model file itself; name another file.`);
  const outStat = await stat(outPath).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : e));
  if (outStat instanceof Error) throw new LayerLensError('badArgument', `--out ${outPath} cannot be written (${outStat.code ?? 'error'}).`);
  if (outStat?.isDirectory()) throw new LayerLensError('badArgument', `--out ${outPath} is a folder; name the .onnx file to write.`);
  const python = typeof values.python === 'string' ? values.python : undefined;
  const done = await cachedPytorchConversion({
    cacheRoot: pytorchCacheRoot(),
    python: async () => (await findTorchPython(defaultPythonCandidates(python))).python,
    modelPath,
    inputShape,
    shapeHint: SHAPE_HINT,
    onProgress: (message) => process.stderr.write(`layer-lens convert: ${message}…\n`),
  });
  // The cache holds the conversion; --out gets a copy, written whole or not at all.
  const partial = join(dirname(outPath), `.${basename(outPath)}.${process.pid}.partial`);
  try {
    await mkdir(dirname(outPath), { recursive: true });
    await copyFile(done.onnxPath, partial);
    await rename(partial, outPath);
  } catch (e) {
    await unlink(partial).catch(() => undefined);
    throw new LayerLensError('badArgument', `--out ${outPath} cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  const what = done.kind === 'torchscript' ? 'TorchScript' : 'pickled module';
  const cls = done.className ? ` ${done.className}` : '';
  process.stdout.write(`Wrote ${outPath} (${what}${cls}, input ${done.inputShape.join('×')}${done.opset ? `, opset ${done.opset}` : ''}${done.cached ? ', from the cache' : ''})\n`);
}
