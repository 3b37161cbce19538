// The "Show Feature Maps" command: works out the image (Explorer or editor-title Uri, the active image preview,
// the open panel's image, or a file dialog), the model (a Layers-view node's, else the user's pick) and the
// layer (picked too when run from the palette), then opens the panel.
import * as vscode from 'vscode';
import { LayerLensError } from '../../shared/errors';
import { displayShape } from '../../shared/shapeText';
import { chooseModel, pickLayer, type ModelChoiceDeps } from '../commands/chooseModel';
import { parseLayerTarget } from '../commands/commandArgs';
import { FeatureMapsPanel, type FeatureMapsDeps } from '../panels/featureMapsPanel';
import { currentPanel } from '../panels/panelKinds';
import { activeImageUri, pickImageUri } from './activeImage';
import { isImagePath } from './imageFiles';

export interface FeatureMapsTarget {
  modelPath?: string;
  imagePath?: string;
  layerId?: string;
}

/** Arguments as VS Code and tests pass them: a Uri (Explorer, editor title), a layer node, or { modelPath, imagePath, layerId }. */
export function parseFeatureMapsTarget(arg: unknown): FeatureMapsTarget {
  if (arg instanceof vscode.Uri) {
    if (!isImagePath(arg.path)) throw new LayerLensError('notAnImage', `${arg.fsPath} is not an image Layer Lens can read (PNG, JPEG, WebP, GIF or BMP).`);
    return { imagePath: arg.fsPath };
  }
  const layer = parseLayerTarget(arg);
  const imagePath = typeof arg === 'object' && arg !== null ? (arg as { imagePath?: unknown }).imagePath : undefined;
  return { modelPath: layer.modelPath, layerId: layer.layerId, imagePath: typeof imagePath === 'string' ? imagePath : undefined };
}

export async function showFeatureMaps(deps: FeatureMapsDeps & ModelChoiceDeps, arg: unknown): Promise<FeatureMapsPanel | undefined> {
  const target = parseFeatureMapsTarget(arg);
  const current = currentPanel('featureMaps');
  // A layer node clicked while the panel is open keeps the panel's image and switches the layer.
  if (!target.imagePath && current?.imagePath && (target.layerId || target.modelPath)) {
    if (target.layerId) current.showLayer(target.layerId, target.modelPath);
    else FeatureMapsPanel.createOrShow(deps, target.modelPath!, current.imagePath);
    current.panel.reveal();
    return current;
  }
  // No hidden model from the palette (no argument at all): the user picks model (the focused panel's and the
  // selected one first), then layer, as every palette command does. An image given from the Explorer or the
  // editor title goes to the active model, as before: that click named the image, not a model.
  const fromPalette = arg === undefined;
  const modelPath = target.modelPath ?? (fromPalette ? await chooseModel(deps, 'Show Feature Maps') : deps.registry.activePath);
  if (!modelPath) return undefined;
  let layerId = target.layerId;
  if (fromPalette && !layerId) {
    const info = await deps.registry.info(modelPath);
    layerId = await pickLayer(modelPath, 'Show Feature Maps', 'Which layer\'s feature maps?',
      info.layers.filter((l) => l.kind !== 'input').map((l) => ({ id: l.id, description: `${l.kind} ${displayShape(l.outputShape, info.nativeLayout)}` })));
    if (!layerId) return undefined;
  }
  const imagePath = target.imagePath ?? activeImageUri()?.fsPath ?? current?.imagePath ?? (await pickImageUri())?.fsPath;
  if (!imagePath) return undefined;
  return FeatureMapsPanel.createOrShow(deps, modelPath, imagePath, layerId);
}
