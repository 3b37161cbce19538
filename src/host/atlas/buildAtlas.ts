// "Layer Lens: Build Atlas…": the model (the focused panel's or the Layers view's first, as every palette command),
// an optional images folder and the output folder, then `atlas.run` in the engine under a cancellable notification
// ("12 / 48 units · ETA 30 s"). When done the site's index.html opens in the browser (the file works from file://,
// no server), with Reveal in Explorer offered; a cancel says how many units were kept and that running again resumes.
// The engine does the work and checks the folders (a non-empty folder that is not an atlas is refused there, in one
// sentence, before any work); the host only asks and shows.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ACTMAX_PRESETS } from '../../shared/actmax';
import type { AtlasRunParams, AtlasRunResult } from '../../shared/atlasProtocol';
import { LayerLensError } from '../../shared/errors';
import { modelDisplayName } from '../../shared/modelDisplayName';
import { chooseModel, type ModelChoiceDeps } from '../commands/chooseModel';
import { parseLayerTarget } from '../commands/commandArgs';
import { pickOne } from '../commands/quickPicks';
import type { EngineService } from '../engine/engineService';
import { inputSizeMemory } from '../models/inputSizeMemory';
import { withEngineProgress } from '../engine/withEngineProgress';
import type { UserMessages } from '../userMessages';
import { AtlasProgressText } from './atlasProgressText';

export const BUILD_ATLAS_COMMAND = 'layerLens.buildAtlas';
const TITLE = 'Layer Lens: Build Atlas';
const NO_IMAGES = 'No dataset images';
const CHOOSE_FOLDER = 'Choose folder…';
const REVEAL = 'Reveal in Explorer';

export interface AtlasDeps extends ModelChoiceDeps {
  engine: EngineService;
  messages: UserMessages;
}

/**
 * The argument form (tests, other commands): atlas.run's params, every field given skipping its prompt (the input
 * size is the one chosen for the model in a panel), and two of the command's own.
 */
export type BuildAtlasArgs = Omit<AtlasRunParams, 'inputSize'> & {
  /** Stops the run as the notification's Cancel does. */
  cancel?: vscode.CancellationToken;
  /** Open the site in the browser when done (default true). */
  open?: boolean;
};

/** What the command returns (to executeCommand's caller): the engine's answer, or undefined when a prompt was dismissed. */
export type BuildAtlasOutcome = AtlasRunResult & { opened: string | undefined };

export async function buildAtlas(deps: AtlasDeps, arg: unknown): Promise<BuildAtlasOutcome | undefined> {
  const given = argsOf(arg);
  const modelPath = given?.modelPath ?? parseLayerTarget(arg).modelPath ?? (await chooseModel(deps, TITLE));
  if (!modelPath) return undefined;
  const name = modelDisplayName(modelPath);
  const imagesDir = given ? given.imagesDir : await askImages(name);
  if (imagesDir === null) return undefined;
  const outDir = given?.outDir ?? (await askOutDir(modelPath, name));
  if (!outDir) return undefined;
  const { cancel: _cancel, open: _open, ...asked } = given ?? {};
  const params: AtlasRunParams = { ...asked, modelPath, outDir, ...(imagesDir ? { imagesDir } : {}) };
  // A model without a fixed input size runs at the size chosen for it in a panel, as its panels do.
  const size = inputSizeMemory.get(modelPath);
  if (size) params.inputSize = [size.height, size.width];
  const result = await run(deps, params, name, given?.cancel);
  if (!result) return undefined;
  if (result.stopped) {
    deps.messages.info(`Build Atlas stopped: ${result.written} of ${result.total} units of ${name} are kept in ${outDir}; run Build Atlas again on that folder to compute the rest.`);
    return { ...result, opened: undefined };
  }
  const site = vscode.Uri.file(result.indexPath);
  const open = given?.open !== false;
  if (open) void vscode.env.openExternal(site);
  const what = result.skipped > 0 ? `${result.computed} units computed, ${result.skipped} kept from the last run` : `${result.computed} units`;
  void deps.messages.info(`Atlas of ${name} built (${what}): ${result.indexPath}`, REVEAL).then((choice) => choice === REVEAL && reveal(site));
  return { ...result, opened: open ? site.toString() : undefined };
}

/**
 * Runs atlas.run under the cancellable notification. A cancel is answered by the engine with the units kept
 * (stopped); if the engine had to be stopped instead, the last progress says how many were on disk.
 */
async function run(deps: AtlasDeps, params: AtlasRunParams, name: string, cancel: vscode.CancellationToken | undefined): Promise<AtlasRunResult | undefined> {
  const testStop = new AbortController();
  const onCancel = cancel?.onCancellationRequested(() => testStop.abort());
  if (cancel?.isCancellationRequested) testStop.abort();
  const text = new AtlasProgressText();
  let answer: AtlasRunResult | undefined;
  let last: { done: number; total: number; batch?: number } = { done: 0, total: 0 };
  try {
    await withEngineProgress({ title: `Building the atlas of ${name}`, signal: testStop.signal }, async (signal, report) => {
      answer = await deps.engine.request('atlas.run', params, {
        signal,
        onProgress: (p) => {
          last = p;
          const line = text.update(p);
          report(line.fraction, line.message);
        },
      });
      return answer;
    });
    return answer;
  } catch (err) {
    if (!(err instanceof LayerLensError && err.code === 'cancelled')) throw err;
    // The engine answered the cancel with what it kept: the usual case.
    if (answer) return answer;
    return { indexPath: path.join(params.outDir, 'index.html'), computed: 0, skipped: 0, written: last.done, total: last.total, stopped: true, batch: last.batch ?? 0 };
  } finally {
    onCancel?.dispose();
  }
}

/** The images folder: a path, undefined for none, null when the pick was dismissed. */
async function askImages(name: string): Promise<string | undefined | null> {
  const pick = await pickOne([{ label: NO_IMAGES, description: 'feature visualizations only' }, { label: CHOOSE_FOLDER, description: 'top images, crops and the quality badge' }], {
    title: `${TITLE} — ${name}`,
    placeHolder: `Dataset images for the unit pages of ${name}?`,
  });
  if (!pick) return null;
  if (pick.label === NO_IMAGES) return undefined;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title: `Images folder for the atlas of ${name}`, openLabel: 'Use Images' });
  return picked?.[0]?.fsPath ?? null;
}

/** The output folder: `<model name>-atlas` next to the model, or one the user chooses. */
async function askOutDir(modelPath: string, name: string): Promise<string | undefined> {
  const beside = path.join(path.dirname(modelPath), `${name.replace(/[^\w.-]+/g, '_')}-atlas`);
  const pick = await pickOne([{ label: `${path.basename(beside)}`, description: `next to the model: ${beside}` }, { label: CHOOSE_FOLDER, description: 'an empty folder, or a previous atlas of this model to resume' }], {
    title: `${TITLE} — ${name}`,
    placeHolder: `Where should the atlas of ${name} be written?`,
  });
  if (!pick) return undefined;
  if (pick.label !== CHOOSE_FOLDER) return beside;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title: `Folder for the atlas of ${name}`, openLabel: 'Write Atlas Here' });
  return picked?.[0]?.fsPath;
}

function reveal(site: vscode.Uri): void {
  // The OS file manager on a desktop window; the Explorer view where VS Code runs remote or in a browser.
  const local = vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined;
  void vscode.commands.executeCommand(local ? 'revealFileInOS' : 'revealInExplorer', site);
}

function argsOf(arg: unknown): BuildAtlasArgs | undefined {
  if (typeof arg !== 'object' || arg === null || arg instanceof vscode.Uri) return undefined;
  const a = arg as Partial<BuildAtlasArgs> & { kind?: unknown };
  if (typeof a.modelPath !== 'string' || typeof a.outDir !== 'string' || a.kind !== undefined) return undefined;
  if (a.preset !== undefined && !(ACTMAX_PRESETS as readonly string[]).includes(a.preset)) throw new LayerLensError('badArgument', `Build Atlas: preset ${String(a.preset)} is not one of ${ACTMAX_PRESETS.join(', ')}.`);
  return a as BuildAtlasArgs;
}
