// Commands are invoked from the palette (no argument), the Layers view (a tree node), the Explorer or an editor
// title (a Uri) and from tests ({ modelPath, layerId }). This turns all of those into one shape.
import * as vscode from 'vscode';
import type { LayersNode } from '../tree/layersTree';

export interface LayerTarget {
  modelPath?: string;
  layerId?: string;
  uri?: vscode.Uri;
}

export function parseLayerTarget(arg: unknown): LayerTarget {
  if (arg instanceof vscode.Uri) return { uri: arg };
  if (typeof arg !== 'object' || arg === null) return {};
  const node = arg as Partial<LayersNode> & { modelPath?: unknown; layerId?: unknown };
  if (node.kind === 'layer' && node.layer) return { modelPath: node.modelPath, layerId: node.layer.id };
  if (node.kind === 'model' && node.entry) return { modelPath: node.entry.path };
  return {
    modelPath: typeof node.modelPath === 'string' ? node.modelPath : undefined,
    layerId: typeof node.layerId === 'string' ? node.layerId : undefined,
  };
}
