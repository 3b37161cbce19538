// The "Layers" view: models at the root (the active one expanded), their layers and modules below.
// contextValue drives the menus: `model`, `layer.<kind>`; a model that fails to load (or is of a format Layer Lens
// cannot open) shows an error icon and its sentence, whole, in its tooltip and as child rows.
import * as vscode from 'vscode';
import type { LayerInfo, LayerKind, ModelInfo } from '../../shared/model';
import { displayKernelShape, displayShape, kernelOrderName, shapeLayoutName, type NativeLayout } from '../../shared/shapeText';
import type { ModelEntry, ModelRegistry } from '../models/modelRegistry';

/** What the Layers view shows for one model: its row and its child rows' labels. */
export interface ModelRowView {
  label: string;
  description: string;
  /** The ThemeIcon id (`error`, `circle-slash`, `pass-filled`, `file-binary`). */
  icon: string;
  /** The tooltip's Markdown source. */
  tooltip: string;
  children: string[];
  /** Each child row's description (a layer's output shape). */
  childDescriptions: string[];
}

export type LayersNode =
  | { kind: 'model'; entry: ModelEntry }
  | { kind: 'layer'; modelPath: string; layer: LayerInfo; hasChildren: boolean; layout: NativeLayout }
  /** One row of a failed model's sentence (`text`), wrapped so that no part of it is cut off. */
  | { kind: 'error'; modelPath: string; message: string; text: string; row: number; cannotOpen: boolean; convert: boolean };

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
    this.subscription = vscode.Disposable.from(
      registry.onDidChange(() => this.changeEmitter.fire(undefined)),
      vscode.commands.registerCommand(COPY_COMMAND, async (text: unknown) => {
        if (typeof text !== 'string') return;
        await vscode.env.clipboard.writeText(text);
        vscode.window.setStatusBarMessage('Layer Lens: copied to the clipboard', 3000);
      }),
    );
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
        const state = this.registry.stateOf(node.entry.path);
        if (state?.kind === 'failed' && state.code === 'notConverted') {
          item.description = 'not converted yet';
          item.tooltip = failureTooltip(node.entry.path, state.message);
          item.iconPath = new vscode.ThemeIcon('sync');
        } else if (state?.kind === 'failed') {
          item.description = state.cannotOpen ? 'cannot open' : 'failed to load';
          item.tooltip = failureTooltip(node.entry.path, state.message);
          item.iconPath = state.cannotOpen
            ? new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('problemsWarningIcon.foreground'))
            : new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        }
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
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.id = `error:${node.modelPath}#${node.row}`;
        if (node.row === 0 && node.convert) item.iconPath = new vscode.ThemeIcon('sync');
        else if (node.row === 0) item.iconPath = new vscode.ThemeIcon(node.cannotOpen ? 'info' : 'error', new vscode.ThemeColor(node.cannotOpen ? 'foreground' : 'errorForeground'));
        item.tooltip = failureTooltip(node.modelPath, node.message);
        item.contextValue = 'error';
        // A PyTorch file not converted yet converts on a click (the user's Python, after they confirm the shape);
        // any other sentence is copied (with its conversion command) for a terminal.
        item.command = node.convert
          ? { title: 'Convert', command: 'layerLens.openInLayerLens', arguments: [{ modelPath: node.modelPath }] }
          : { title: 'Copy', command: COPY_COMMAND, arguments: [node.message] };
        return item;
      }
    }
  }

  async getChildren(node?: LayersNode): Promise<LayersNode[]> {
    if (!node) return this.registry.entries().map((entry) => ({ kind: 'model', entry }));
    if (node.kind === 'error') return [];
    const modelPath = node.kind === 'model' ? node.entry.path : node.modelPath;
    const state = await this.registry.load(modelPath);
    if (state.kind === 'failed') {
      if (node.kind !== 'model') return [];
      const cannotOpen = state.cannotOpen === true;
      const convert = state.code === 'notConverted';
      return wrapText(state.message, ERROR_ROW_CHARS).map((text, row) => ({ kind: 'error', modelPath, message: state.message, text, row, cannotOpen, convert }));
    }
    const parent = node.kind === 'layer' ? node.layer.id : undefined;
    return childLayers(state.info, parent).map((layer) => ({
      kind: 'layer',
      modelPath,
      layer,
      hasChildren: state.info.layers.some((l) => l.parent === layer.id),
      layout: state.info.nativeLayout,
    }));
  }

  /** A model's row as the view shows it (after its children were asked for, so its load has settled). */
  async describeModel(modelPath: string): Promise<ModelRowView | undefined> {
    const node = (await this.getChildren()).find((n) => n.kind === 'model' && n.entry.path === modelPath);
    if (!node) return undefined;
    const items = (await this.getChildren(node)).map((c) => this.getTreeItem(c));
    const children = items.map((c) => String(c.label));
    const childDescriptions = items.map((c) => String(c.description ?? ''));
    const item = this.getTreeItem(node);
    const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '';
    const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip ?? '');
    return { label: String(item.label), description: String(item.description ?? ''), icon, tooltip, children, childDescriptions };
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

/** Internal (not in the palette): copies an error row's sentence. */
const COPY_COMMAND = 'layerLens.copyTreeText';
/** Rows of a failed model's sentence stay within what a side bar of usual width shows. */
const ERROR_ROW_CHARS = 56;

function failureTooltip(modelPath: string, message: string): vscode.MarkdownString {
  // The sentence's commands (in backticks) as code to copy; everything else escaped, so a file's name is never
  // read as Markdown. Plain spaces, so the hover wraps.
  const text = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
  const sentence = message.split('`').map((part, i) => (i % 2 === 1 && part !== '' ? `\`${part}\`` : text(part))).join('');
  return new vscode.MarkdownString(`**${text(modelPath)}**\n\n${sentence}`);
}

/** Splits a sentence into rows of at most `width` characters at spaces (a longer word keeps its own row). */
export function wrapText(text: string, width: number): string[] {
  const rows: string[] = [];
  let row = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (row && row.length + 1 + word.length > width) {
      rows.push(row);
      row = word;
    } else {
      row = row ? `${row} ${word}` : word;
    }
  }
  if (row) rows.push(row);
  return rows.length > 0 ? rows : [text];
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
