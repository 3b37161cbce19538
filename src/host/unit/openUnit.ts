// "Layer Lens: Open Unit…" (`layerLens.openUnit`): with `{ modelPath, layerId, unit }` (every panel's double-click
// on a unit, the Unit panel's own links, tests) it opens the Unit panel on that unit; from the palette it asks
// model → layer → unit; from a layer of the Layers view, unit only.
import * as vscode from 'vscode';
import { LayerLensError } from '../../shared/errors';
import { displayShape } from '../../shared/shapeText';
import { chooseModel, pickLayer, type ModelChoiceDeps } from '../commands/chooseModel';
import { parseLayerTarget } from '../commands/commandArgs';
import { pickOne } from '../commands/quickPicks';
import { OPEN_UNIT_COMMAND } from '../panels/panelBase';
import { UnitPanel, type UnitDeps } from '../panels/unitPanel';

const TITLE = 'Open Unit';

/** Layers whose units a page can show: a channel count on the last axis (not the input). */
function unitLayers(info: Awaited<ReturnType<ModelChoiceDeps['registry']['info']>>): { id: string; description: string; units: number }[] {
  return info.layers
    .filter((l) => l.kind !== 'input')
    .map((l) => ({ l, c: l.outputShape[l.outputShape.length - 1] }))
    .filter((x): x is { l: typeof x.l; c: number } => typeof x.c === 'number' && x.c > 0)
    .map(({ l, c }) => ({ id: l.id, description: `${l.kind} ${displayShape(l.outputShape, info.nativeLayout)}, ${c} units`, units: c }));
}

export async function openUnitCommand(deps: UnitDeps & ModelChoiceDeps, arg: unknown): Promise<UnitPanel | undefined> {
  const target = parseLayerTarget(arg);
  const unitArg = typeof arg === 'object' && arg !== null ? (arg as { unit?: unknown }).unit : undefined;
  const modelPath = target.modelPath ?? (await chooseModel(deps, TITLE));
  if (!modelPath) return undefined;
  let layerId = target.layerId;
  let units: number | undefined;
  if (!layerId || typeof unitArg !== 'number') {
    const layers = unitLayers(await deps.registry.info(modelPath));
    if (layers.length === 0) throw new LayerLensError('unknownLayer', `${modelPath} has no layer with units to show.`);
    layerId ??= await pickLayer(modelPath, TITLE, 'Which layer’s unit?', layers);
    if (!layerId) return undefined;
    units = layers.find((l) => l.id === layerId)?.units;
  }
  let unit = typeof unitArg === 'number' ? unitArg : undefined;
  if (unit === undefined) {
    if (units === undefined) throw new LayerLensError('unknownLayer', `${modelPath} has no layer "${layerId}" with units.`);
    const pick = await pickOne(
      Array.from({ length: units }, (_, u) => ({ label: `unit ${u}`, description: '', unit: u })),
      { title: `${TITLE} — ${layerId}`, placeHolder: `Which unit of ${layerId} (0–${units - 1})?` },
    );
    if (!pick) return undefined;
    unit = pick.unit;
  }
  if (!Number.isInteger(unit) || unit < 0) throw new LayerLensError('badArgument', `A unit is a whole number from 0, not ${String(unitArg)}.`);
  return UnitPanel.createOrShow(deps, { modelPath, layerId, unit });
}

export function registerUnit(deps: UnitDeps & ModelChoiceDeps): vscode.Disposable[] {
  return [
    // Resolves when the page is drawn (or failed, or was cancelled): tests await the command itself.
    vscode.commands.registerCommand(OPEN_UNIT_COMMAND, async (arg: unknown): Promise<void> => {
      try {
        const panel = await openUnitCommand(deps, arg);
        await panel?.whenIdle();
      } catch (err) {
        deps.messages.error(err);
      }
    }),
  ];
}
