// Node-only: a TorchScript or pickled-module .pt/.pth converted to ONNX by the user's Python, module names kept.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { LayerLensError } from '../../../shared/errors';
import { quoteName } from '../../../shared/userText';
import { checkPytorchFile } from './pytorchFileCheck';
import { failureError } from './pytorchFailures';
import { runTorchHelper } from './runPython';

export interface ConvertPytorchRequest {
  python: string;
  modelPath: string;
  /** NCHW (or [N, F] for a model that takes vectors). */
  inputShape: number[];
  outPath: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /** Torch's own output (warnings, tracebacks), line by line: for a log, never for the user. */
  onLog?: (line: string) => void;
  /** Default 15 minutes. */
  timeoutMs?: number;
  /** How the caller asks for another input shape, added to the sentence when the model does not run on this one. */
  shapeHint?: string;
}

export interface ConvertPytorchResult {
  onnxPath: string;
  inputShape: number[];
  kind: 'torchscript' | 'pickledModule';
  className?: string;
  opset?: number;
}

const CONVERT_TIMEOUT_MS = 15 * 60_000;
/** 2^28 floats is 1 GiB: far beyond any image model's input, small enough to never exhaust memory by mistake. */
const MAX_INPUT_ELEMENTS = 2 ** 28;

/**
 * Converts with torch.onnx.export (opset 13, or 17 where 13 lacks an op; eval mode), writing `outPath`
 * atomically: a temporary file beside it, renamed into place once complete. A state dict, a file that is not a
 * PyTorch model, a class that cannot be imported or a shape the model does not take: one sentence naming the file.
 */
export function convertPytorchToOnnx(req: ConvertPytorchRequest): Promise<ConvertPytorchResult> {
  return convertPytorchFile(req);
}

/** As convertPytorchToOnnx; without an input shape, the script infers it (one Python run instead of two). */
export async function convertPytorchFile(req: Omit<ConvertPytorchRequest, 'inputShape'> & { inputShape?: number[] }): Promise<ConvertPytorchResult> {
  const file = quoteName(basename(req.modelPath));
  if (req.inputShape) checkInputShape(req.inputShape, file);
  await checkPytorchFile(req.modelPath);
  await mkdir(dirname(req.outPath), { recursive: true });
  const partial = `${req.outPath}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  const what = `Converting ${file}`;
  try {
    const outcome = await runTorchHelper({
      python: req.python,
      args: ['convert', req.modelPath, req.inputShape ? req.inputShape.join(',') : 'infer', partial],
      what,
      timeoutMs: req.timeoutMs ?? CONVERT_TIMEOUT_MS,
      signal: req.signal,
      onProgress: req.onProgress,
      onLog: req.onLog,
    });
    if (!outcome.ok) {
      throw failureError(outcome.failure, { file: req.modelPath, python: req.python, inputShape: req.inputShape, what, shapeHint: req.shapeHint });
    }
    const r = outcome.result;
    const inputShape = Array.isArray(r.inputShape) ? (r.inputShape as number[]) : req.inputShape;
    const written = await stat(partial).catch(() => undefined);
    if (!written || written.size === 0 || !inputShape) throw new LayerLensError('conversionFailed', `${what} wrote no ONNX file.`);
    await rename(partial, req.outPath);
    const result: ConvertPytorchResult = { onnxPath: req.outPath, inputShape, kind: r.kind === 'torchscript' ? 'torchscript' : 'pickledModule' };
    if (typeof r.className === 'string') result.className = r.className;
    if (typeof r.opset === 'number') result.opset = r.opset;
    return result;
  } finally {
    await unlink(partial).catch(() => undefined);
  }
}

export function checkInputShape(shape: readonly number[], file: string): void {
  const ok = Array.isArray(shape) && shape.length >= 2 && shape.length <= 5 && shape.every((d) => Number.isInteger(d) && d > 0);
  if (!ok) throw new LayerLensError('badArgument', `The input shape for ${file} must be 2 to 5 positive whole numbers (N,C,H,W such as 1,3,224,224), not ${quoteName(String(shape), 60)}.`);
  const elements = shape.reduce((a, b) => a * b, 1);
  if (elements > MAX_INPUT_ELEMENTS) throw new LayerLensError('badArgument', `The input shape ${shape.join('×')} for ${file} holds ${elements.toLocaleString('en-US')} values; at most ${MAX_INPUT_ELEMENTS.toLocaleString('en-US')} are allowed.`);
}

/** Parses "1,3,224,224" (or 1x3x224x224). */
export function parseInputShape(text: string, file: string): number[] {
  const shape = text.split(/[,x×]/).map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN));
  if (shape.some((d) => Number.isNaN(d))) {
    throw new LayerLensError('badArgument', `The input shape for ${file} must be whole numbers separated by commas (N,C,H,W such as 1,3,224,224), not ${quoteName(text, 60)}.`);
  }
  checkInputShape(shape, file);
  return shape;
}
