// The two commands' entry: "Maximize Activation…" (live view of chosen units) and "Visualize Layer" (atlas of
// every channel). From the Layers view (a layer node), the palette (pick a layer) or tests/scripts
// ({ modelPath, layerId, units, preset, steps, size, seed, objective, run }).
import * as vscode from 'vscode';
import type { ActmaxUiSettings, ActmaxView } from '../../shared/actmaxProtocol';
import { LayerLensError } from '../../shared/errors';
import { modelDisplayName } from '../../shared/modelDisplayName';
import { chooseModel, pickLayer, type ModelChoiceDeps } from '../commands/chooseModel';
import { parseLayerTarget } from '../commands/commandArgs';
import { ActmaxPanel, type ActmaxDeps } from '../panels/actmaxPanel';
import { actmaxLayers } from './requestBuilder';

export async function openActmax(deps: ActmaxDeps & ModelChoiceDeps, arg: unknown, view: ActmaxView): Promise<ActmaxPanel | undefined> {
  const target = parseLayerTarget(arg);
  const title = view === 'atlas' ? 'Visualize Layer' : 'Maximize Activation';
  const modelPath = target.uri?.fsPath ?? target.modelPath ?? (await chooseModel(deps, title));
  if (!modelPath) return undefined;
  let layerId = target.layerId;
  if (!layerId) {
    const layers = actmaxLayers(await deps.registry.info(modelPath));
    if (layers.length === 0) throw new LayerLensError('unknownLayer', `${modelDisplayName(modelPath)} has no layer whose channels can be maximized.`);
    layerId = await pickLayer(modelPath, title, view === 'atlas' ? 'Which layer’s channels?' : 'Which layer’s units?',
      layers.map((l) => ({ id: l.id, description: `${l.kind} · ${l.channels} units` })));
  }
  if (!layerId) return undefined;
  const extra = commandSettings(arg);
  return ActmaxPanel.createOrShow(deps, modelPath, layerId, { view, settings: extra.settings, run: extra.run });
}

/** Settings a script or test passes with the command; the panel validates them again. */
export function commandSettings(arg: unknown): { settings: Partial<ActmaxUiSettings>; run: boolean } {
  if (typeof arg !== 'object' || arg === null || arg instanceof vscode.Uri) return { settings: {}, run: false };
  const a = arg as Record<string, unknown>;
  const settings: Partial<ActmaxUiSettings> = {};
  if (typeof a.units === 'string') settings.units = a.units;
  else if (typeof a.units === 'number') settings.units = String(a.units);
  else if (Array.isArray(a.units)) settings.units = a.units.filter((u) => typeof u === 'number').join(', ');
  for (const key of ['preset', 'objective', 'param'] as const) if (typeof a[key] === 'string') Object.assign(settings, { [key]: a[key] });
  for (const key of ['steps', 'size', 'seed', 'lr', 'decayPower', 'frameEvery'] as const) if (typeof a[key] === 'number') Object.assign(settings, { [key]: a[key] });
  return { settings, run: a.run === true };
}
