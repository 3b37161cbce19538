// Opening a .pt/.pth (Explorer, Layers view, Open Model…): the user's Python reads what the file holds; a
// TorchScript or pickled module is converted to ONNX at the input shape the user confirms, under a cancellable
// progress notification, into extension storage; the model then opens under the .pt's own name and path (see
// convertedModels.ts). An unchanged file that was converted before opens from the cache without running Python.
// A state dict gets one sentence and a snippet to copy.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LayerLensError } from '../../shared/errors';
import type { PythonProgress } from '../../shared/pytorchProtocol';
import type { EngineService } from '../engine/engineService';
import { withEngineProgress } from '../engine/withEngineProgress';
import type { ModelRegistry } from '../models/modelRegistry';
import type { UserMessages } from '../userMessages';
import type { ConvertedModels } from './convertedModels';
import { initialShapeText, parseInputShape } from './inputShape';
import { answerOf, askText } from './prompts';
import { pythonCandidatesFor } from './pythonInterpreter';

export interface PytorchDeps {
  engine: EngineService;
  registry: ModelRegistry;
  messages: UserMessages;
  converted: ConvertedModels;
}

const COPY_SNIPPET = 'Copy export snippet';

/** Opens `file` as the active model; false when the user stopped (dismissed a prompt, cancelled) or it cannot open. */
export async function openPytorchFile(deps: PytorchDeps, file: string): Promise<boolean> {
  const name = path.basename(file);
  if (!vscode.workspace.isTrusted) {
    throw new LayerLensError(
      'badArgument',
      `${name} was not opened: reading a PyTorch file runs your Python on it (a pickled model can run code), which Layer Lens does only in a trusted workspace.`,
    );
  }
  if (!(await deps.converted.lookup(file))) {
    const onnx = await convertWithPython(deps, file);
    if (!onnx) return false;
  }
  // A file converted again (another shape, new contents) must not show the layers read before.
  deps.registry.refresh();
  await deps.registry.setActive(file);
  return true;
}

async function convertWithPython(deps: PytorchDeps, file: string): Promise<string | undefined> {
  const name = path.basename(file);
  const pythonCandidates = await pythonCandidatesFor(vscode.Uri.file(file), (m) => deps.messages.log('warn', m));
  const info = await withPythonProgress(`Reading ${name} with your Python…`, (signal, onProgress) =>
    deps.engine.request('pytorch.inspect', { path: file, pythonCandidates }, { signal, onProgress }),
  );
  if (!info) return undefined;
  deps.messages.log('info', `${name}: ${info.kind}${info.className ? ` ${info.className}` : ''}, read by ${info.python} (torch ${info.torchVersion}).`);
  if (info.kind === 'stateDict') {
    const choice = await answerOf(deps.messages.warn(stateDictSentence(file), COPY_SNIPPET));
    if (choice === COPY_SNIPPET && info.snippet) await vscode.env.clipboard.writeText(info.snippet);
    return undefined;
  }
  const text = await askText({
    title: `Convert ${name} to ONNX`,
    prompt: `Input shape of ${name} (N,C,H,W): the model runs once at this size to be converted.`,
    value: initialShapeText(info.inputShape),
    ignoreFocusOut: true,
    validateInput: (t) => {
      const parsed = parseInputShape(t);
      return parsed.ok ? undefined : parsed.problem;
    },
  });
  if (text === undefined) return undefined;
  const parsed = parseInputShape(text);
  if (!parsed.ok) throw new LayerLensError('badArgument', parsed.problem);
  const staging = await deps.converted.staging(file, parsed.shape);
  try {
    const done = await withPythonProgress(`Converting ${name} to ONNX at ${parsed.shape.join('×')}…`, (signal, onProgress) =>
      deps.engine.request('pytorch.convert', { path: file, python: info.python, inputShape: parsed.shape, outPath: staging.onnxPath }, { signal, onProgress }),
    );
    if (!done) {
      await staging.discard();
      return undefined;
    }
    const onnx = await staging.commit();
    deps.messages.log('info', `${name} converted to ${onnx} at ${done.inputShape.join('×')}.`);
    return onnx;
  } catch (err) {
    await staging.discard().catch(() => undefined);
    throw err;
  }
}

export function stateDictSentence(file: string): string {
  return `${path.basename(file)} holds only weights (a state dict), not the model's architecture: load them into your model's class and save it as TorchScript (Copy export snippet), then open that file.`;
}

/**
 * Runs one Python request under a cancellable notification that shows Python's progress lines; undefined when the
 * user cancelled (the engine ends Python on the cancel).
 */
export async function withPythonProgress<T>(
  title: string,
  work: (signal: AbortSignal, onProgress: (p: PythonProgress) => void) => Promise<T>,
): Promise<T | undefined> {
  try {
    return await withEngineProgress({ title }, (signal, report) => work(signal, (p) => report(undefined, p.message)));
  } catch (err) {
    if (err instanceof LayerLensError && err.code === 'cancelled') return undefined;
    throw err;
  }
}
