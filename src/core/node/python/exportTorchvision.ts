// Node-only: a torchvision model built by the user's Python and exported to ONNX with its module tree, beside
// a sidecar with its preprocessing. With `pretrained`, torchvision downloads the weights into its own cache.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LayerLensError } from '../../../shared/errors';
import { NORMALIZATIONS } from '../../../shared/preprocessing';
import { quoteName } from '../../../shared/userText';
import { failureError } from './pytorchFailures';
import { runTorchHelper } from './runPython';

export interface TorchvisionExportRequest {
  python: string;
  /** A builder of torchvision.models: resnet18, googlenet, alexnet… */
  name: string;
  pretrained: boolean;
  outDir: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  onLog?: (line: string) => void;
  /** Default 30 minutes (a pretrained model's first download included). */
  timeoutMs?: number;
}

export interface TorchvisionExportResult {
  modelPath: string;
  sidecarPath: string;
  inputShape: number[];
}

/** The preprocessing torchvision's weights declare (ImageNet's where a model has no weights entry). */
interface WeightsMeta {
  crop: number;
  resize: number;
  mean: number[];
  std: number[];
  categories?: string[] | null;
}

const EXPORT_TIMEOUT_MS = 30 * 60_000;
const NAME = /^[a-z][a-z0-9_]{0,63}$/;

export async function exportTorchvision(req: TorchvisionExportRequest): Promise<TorchvisionExportResult> {
  if (!NAME.test(req.name)) {
    throw new LayerLensError('badArgument', `${quoteName(req.name, 60)} is not a torchvision model name (lower-case letters, digits and _, such as resnet18).`);
  }
  await mkdir(req.outDir, { recursive: true });
  const modelPath = join(req.outDir, `${req.name}.onnx`);
  const sidecarPath = join(req.outDir, `${req.name}.layerlens.json`);
  const partial = `${modelPath}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  const what = `Exporting torchvision's ${req.name}`;
  try {
    const outcome = await runTorchHelper({
      python: req.python,
      args: ['torchvision', req.name, req.pretrained ? '1' : '0', partial],
      what,
      timeoutMs: req.timeoutMs ?? EXPORT_TIMEOUT_MS,
      signal: req.signal,
      onProgress: req.onProgress,
      onLog: req.onLog,
    });
    if (!outcome.ok) throw failureError(outcome.failure, { file: req.name, python: req.python, what });
    const written = await stat(partial).catch(() => undefined);
    if (!written || written.size === 0) throw new LayerLensError('conversionFailed', `${what} wrote no ONNX file.`);
    const r = outcome.result;
    const meta = r.meta as WeightsMeta;
    const sidecar = torchvisionSidecar(req.name, req.pretrained, meta, String(r.torchvision ?? ''));
    await writeAtomically(sidecarPath, `${JSON.stringify(sidecar, null, 2)}\n`);
    await rename(partial, modelPath);
    const inputShape = Array.isArray(r.inputShape) ? (r.inputShape as number[]) : [1, 3, meta.crop, meta.crop];
    return { modelPath, sidecarPath, inputShape };
  } finally {
    await unlink(partial).catch(() => undefined);
  }
}

/**
 * The sidecar of an exported torchvision model: its weights' preprocessing — torchvision's Resize(resize) on the
 * shorter side, CenterCrop(crop), and the named "torchvision" normalization (or the weights' own mean/std where they
 * differ). ImageNet's 1000 class names are not written: Layer Lens gives them to any 1000-way classifier; other
 * label sets are.
 */
export function torchvisionSidecar(name: string, pretrained: boolean, meta: WeightsMeta, torchvisionVersion: string): Record<string, unknown> {
  const imagenet = sameNumbers(meta.mean, NORMALIZATIONS.torchvision.mean) && sameNumbers(meta.std, NORMALIZATIONS.torchvision.std);
  const sidecar: Record<string, unknown> = {
    description: `torchvision ${name}${torchvisionVersion ? ` ${torchvisionVersion}` : ''}, ${pretrained ? 'pretrained weights' : 'random weights'}`,
    input: {
      height: meta.crop,
      width: meta.crop,
      channels: 3,
      resize: 'shorterSideCenterCrop',
      resizeSize: meta.resize,
      ...(imagenet ? { normalize: 'torchvision' } : { channelOrder: 'rgb', scale: 1 / 255, mean: meta.mean, std: meta.std }),
    },
  };
  if (Array.isArray(meta.categories) && meta.categories.length > 0 && meta.categories.length !== 1000) sidecar.labels = meta.categories;
  return sidecar;
}

function sameNumbers(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-6);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}
