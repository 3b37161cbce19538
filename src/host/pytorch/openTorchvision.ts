// "Layer Lens: Open a torchvision Model…": the user's Python builds a torchvision classifier (with torchvision's
// pretrained weights, which torchvision itself downloads into its own cache, or random ones) and exports it to ONNX
// with its module names, ImageNet labels and preprocessing sidecar, into extension storage; the model then opens.
// A model exported before opens again without Python.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TORCHVISION_MODELS } from '../../shared/pytorchProtocol';
import type { PytorchDeps } from './openPytorch';
import { withPythonProgress } from './openPytorch';
import { pickOne } from '../commands/quickPicks';
import { pythonCandidatesFor } from './pythonInterpreter';

export const PRETRAINED = 'With pretrained weights';
export const RANDOM = 'With random weights';

export interface TorchvisionDeps extends PytorchDeps {
  /** The folder exports go to (the extension's global storage + '/torchvision'). */
  torchvisionDir: string;
}

/** Asks for the model and its weights, exports it unless exported before, and makes it the active model. */
export async function openTorchvisionModel(deps: TorchvisionDeps): Promise<string | undefined> {
  const title = 'Open a torchvision Model';
  const picked = await pickOne(TORCHVISION_MODELS.map((label) => ({ label })), { title, placeHolder: 'Which torchvision model?' });
  if (!picked) return undefined;
  const weights = await pickOne(
    [
      { label: PRETRAINED, description: 'torchvision downloads them into its own cache (needs the network once)' },
      { label: RANDOM, description: 'no download; the architecture only' },
    ],
    { title, placeHolder: `${picked.label}: which weights?` },
  );
  if (!weights) return undefined;
  const pretrained = weights.label === PRETRAINED;
  const finalDir = path.join(deps.torchvisionDir, `${picked.label}-${pretrained ? 'pretrained' : 'random'}`);
  const modelPath = (await onnxIn(finalDir)) ?? (await exportInto(deps, picked.label, pretrained, finalDir));
  if (!modelPath) return undefined;
  await deps.registry.setActive(modelPath);
  await vscode.commands.executeCommand('layerLens.layers.focus');
  return modelPath;
}

async function exportInto(deps: TorchvisionDeps, name: string, pretrained: boolean, finalDir: string): Promise<string | undefined> {
  const pythonCandidates = await pythonCandidatesFor(undefined, (m) => deps.messages.log('warn', m));
  const staging = path.join(deps.torchvisionDir, `.partial-${randomBytes(6).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    const title = `Exporting torchvision ${name}${pretrained ? ' with pretrained weights' : ''} to ONNX…`;
    const done = await withPythonProgress(title, (signal, onProgress) =>
      deps.engine.request('torchvision.export', { name, pretrained, outDir: staging, pythonCandidates }, { signal, onProgress }),
    );
    if (!done) return undefined;
    await rm(finalDir, { recursive: true, force: true });
    await rename(staging, finalDir);
    deps.messages.log('info', `torchvision ${name} exported by ${done.python} to ${finalDir}.`);
    return path.join(finalDir, path.basename(done.modelPath));
  } finally {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The ONNX of an earlier export in `dir`, or undefined. */
async function onnxIn(dir: string): Promise<string | undefined> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const onnx = names.filter((n) => n.toLowerCase().endsWith('.onnx')).sort()[0];
  return onnx ? path.join(dir, onnx) : undefined;
}
