// Wires "Find Top Images…" into VS Code: the command (Layers view, Explorer folders, palette); the panel's
// serializer is registered with the others' from PANEL_KINDS. The command works out model, layer and folder, then
// opens the panel, which runs the search.
import * as vscode from 'vscode';
import { LayerLensError } from '../../shared/errors';
import { displayShape } from '../../shared/shapeText';
import { chooseModel, pickLayer, type ModelChoiceDeps } from '../commands/chooseModel';
import { currentPanel } from '../panels/panelKinds';
import { pickImageFolder, TopkPanel, type TopkDeps } from '../panels/topkPanel';
import type { TopkTestAction } from '../../shared/topkProtocol';
import { clampK, parseTopkTarget, topkLayers } from './topkTarget';

export async function findTopImagesCommand(deps: TopkDeps & ModelChoiceDeps, arg: unknown): Promise<TopkPanel | undefined> {
  const target = parseTopkTarget(arg);
  const modelPath = target.modelPath ?? (await chooseModel(deps, 'Find Top Images'));
  if (!modelPath) return undefined;
  let layerId = target.layerId;
  if (!layerId) {
    const info = await deps.registry.info(modelPath);
    const layers = topkLayers(info);
    if (layers.length === 0) throw new LayerLensError('unknownLayer', `${modelPath} has no layer with channels to rank images by.`);
    layerId = await pickLayer(modelPath, 'Find Top Images', 'Which layer’s channels should the images activate?',
      layers.map((l) => ({ id: l.id, description: `${l.kind} ${displayShape(l.outputShape, info.nativeLayout)}` })));
  }
  if (!layerId) return undefined;
  const folder = target.folder ?? (await pickImageFolder(vscode.workspace.workspaceFolders?.[0]?.uri));
  if (!folder) return undefined;
  return TopkPanel.createOrShow(deps, { modelPath, layerId, folder, k: clampK(target.k) });
}

export function registerTopk(deps: TopkDeps & ModelChoiceDeps): vscode.Disposable[] {
  return [
    // Resolves when the run has finished (or failed, or was cancelled): tests await the command itself.
    vscode.commands.registerCommand('layerLens.findTopImages', async (arg: unknown): Promise<void> => {
      try {
        await (await findTopImagesCommand(deps, arg))?.whenIdle();
      } catch (err) {
        deps.messages.error(err);
      }
    }),
    // Not in package.json (so not in the palette): the real-VS-Code tests move the mouse, scroll and click in the
    // grid through it, as the kernels panel's hoverFirstCell does through the test API.
    vscode.commands.registerCommand('layerLens.test.topkAction', (action: TopkTestAction): boolean => currentPanel('topk')?.testAction(action) ?? false),
    // Also hidden: what each search of the open panel asked the engine for (undefined: no panel open).
    vscode.commands.registerCommand('layerLens.test.topkRequests', () => currentPanel('topk')?.sentRequests.map((r) => ({ ...r }))),
  ];
}
