// The "Layers" view: models at the root (the active one expanded), their layers and modules below.
// contextValue drives the menus: `model`, `layer.<kind>`; a model that fails to load shows its error as a child.
import * as vscode from 'vscode';
import type { LayerInfo, LayerKind, ModelInfo } from '../../shared/model';
import { displayKernelShape, displayShape, kernelOrderName, shapeLayoutName, type NativeLayout } from '../../shared/shapeText';
import type { ModelEntry, ModelRegistry } from '../models/modelRegistry';

export type LayersNode =
  | { kind: 'model'; entry: ModelEntry }
  | { kind: 'layer'; modelPath: string; layer: LayerInfo; hasChildren: boolean; layout: NativeLayout }
  | { kind: 'error'; modelPath: string; message: string };

const ICONS: Record<LayerKind, string> = {
  input: 'symbol-event',
  conv: 'symbol-array',
  depthwiseConv: 'symbol-array',
  dense: 'symbol-number',
  pool: 'fold-down',
  norm: 'symbol-operator',
  activation: 'pulse',
  merge: 'merge',
  reshape: 'symbol-ruler',
  dropout: 'circle-slash',
  module: 'symbol-module',
  other: 'symbol-misc',
};

export class LayersTreeProvider implements vscode.TreeDataProvider<LayersNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<LayersNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly registry: ModelRegistry) {
    this.subscription = registry.onDidChange(() => this.changeEmitter.fire(undefined));
  }

  getTreeItem(node: LayersNode): vscode.TreeItem {
    switch (node.kind) {
      case 'model': {
        const active = node.entry.path === this.registry.activePath;
        const item = new vscode.TreeItem(
          node.entry.label,
          active ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = `model:${node.entry.path}`;
        item.description = active ? 'active' : undefined;
        item.tooltip = node.entry.path;
        item.iconPath = new vscode.ThemeIcon(active ? 'pass-filled' : 'file-binary');
        item.contextValue = 'model';
        return item;
      }
      case 'layer': {
        const { layer } = node;
        const item = new vscode.TreeItem(
          layer.name,
          node.hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `layer:${node.modelPath}#${layer.id}`;
        item.description = displayShape(layer.outputShape, node.layout);
        item.tooltip = layerTooltip(layer, node.layout);
        item.iconPath = new vscode.ThemeIcon(ICONS[layer.kind]);
        item.contextValue = `layer.${layer.kind}`;
        // A click follows the open panels (feature maps, kernels) to this layer; see layerLens.selectLayer.
        item.command = { title: 'Show Layer', command: 'layerLens.selectLayer', arguments: [{ modelPath: node.modelPath, layerId: layer.id }] };
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.tooltip = node.message;
        item.contextValue = 'error';
        return item;
      }
    }
  }

  async getChildren(node?: LayersNode): Promise<LayersNode[]> {
    if (!node) return this.registry.entries().map((entry) => ({ kind: 'model', entry }));
    if (node.kind === 'error') return [];
    const modelPath = node.kind === 'model' ? node.entry.path : node.modelPath;
    const state = await this.registry.load(modelPath);
    if (state.kind === 'failed') return node.kind === 'model' ? [{ kind: 'error', modelPath, message: state.message }] : [];
    const parent = node.kind === 'layer' ? node.layer.id : undefined;
    return childLayers(state.info, parent).map((layer) => ({
      kind: 'layer',
      modelPath,
      layer,
      hasChildren: state.info.layers.some((l) => l.parent === layer.id),
      layout: state.info.nativeLayout,
    }));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

export function childLayers(info: ModelInfo, parent: string | undefined): LayerInfo[] {
  return info.layers.filter((l) => l.parent === parent);
}

/** Shapes in the model's own framework order: NCHW / OIHW for ONNX (PyTorch), NHWC / HWIO for TF.js and Keras. */
function layerTooltip(layer: LayerInfo, layout: NativeLayout): vscode.MarkdownString {
  const outputLayout = shapeLayoutName(layer.outputShape, layout);
  const lines = [`**${layer.id}** — ${layer.className}`, `output ${displayShape(layer.outputShape, layout)}${outputLayout ? ` (${outputLayout})` : ''}`, `${layer.paramCount.toLocaleString()} parameters`];
  if (layer.kernelShape) {
    const order = kernelOrderName(layer.kernelShape, layout, layer.kind);
    lines.push(`kernel ${displayKernelShape(layer.kernelShape, layout, layer.kind)}${order ? ` (${order})` : ''}`);
  }
  if (layer.note) lines.push(layer.note);
  return new vscode.MarkdownString(lines.join('\n\n'));
}
