// Extension entry: wires the engine, the model registry, the Layers view, the panels and the commands.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LayerLensApi, PanelKind } from './api';
import { parseLayerTarget } from './commands/commandArgs';
import { answerQuickPicks, offeredQuickPicks } from './commands/quickPicks';
import { registerCommands } from './commands/registerCommands';
import { EngineService } from './engine/engineService';
import { ModelRegistry } from './models/modelRegistry';
import { ActmaxPanel } from './panels/actmaxPanel';
import { FeatureMapsPanel } from './panels/featureMapsPanel';
import type { PreprocessChoice } from '../shared/featureMapsProtocol';
import { KernelsPanel } from './panels/kernelsPanel';
import { TopkPanel } from './panels/topkPanel';
import { ConvertedModels } from './pytorch/convertedModels';
import { queueAnswers } from './pytorch/prompts';
import { registerPytorch } from './pytorch/registerPytorch';
import type { PanelBase } from './panels/panelBase';
import { BackendStatusBar } from './statusBar';
import { registerTopk } from './topk/registerTopk';
import { LayersTreeProvider } from './tree/layersTree';
import { UserMessages } from './userMessages';

export function activate(context: vscode.ExtensionContext): LayerLensApi {
  const messages = new UserMessages();
  const engine = new EngineService(path.join(context.extensionPath, 'dist', 'engine.js'), messages);
  const statusBar = new BackendStatusBar();
  const registry = new ModelRegistry(context, engine);
  // A .pt/.pth stays the model everywhere in the host; the engine is given the ONNX it was converted to.
  const converted = new ConvertedModels(path.join(context.globalStorageUri.fsPath, 'converted'));
  engine.use(converted.middleware);
  const tree = new LayersTreeProvider(registry);
  const layersView = vscode.window.createTreeView('layerLens.layers', { treeDataProvider: tree });
  const deps = { extensionUri: context.extensionUri, messages, engine, registry, actmaxCacheDir: path.join(context.globalStorageUri.fsPath, 'actmax'), converted,
    selectedModelPath: () => parseLayerTarget(layersView.selection[0]).modelPath };

  context.subscriptions.push(
    messages,
    engine,
    statusBar,
    registry,
    tree,
    engine.onDidChangeStatus((s) => statusBar.update(s)),
    layersView,
    vscode.window.registerWebviewPanelSerializer(KernelsPanel.viewType, {
      deserializeWebviewPanel: async (panel, state) => void KernelsPanel.revive(panel, deps, state),
    }),
    vscode.window.registerWebviewPanelSerializer(FeatureMapsPanel.viewType, {
      deserializeWebviewPanel: async (panel, state) => void FeatureMapsPanel.revive(panel, deps, state),
    }),
    vscode.window.registerWebviewPanelSerializer(ActmaxPanel.viewType, {
      deserializeWebviewPanel: async (panel, state) => void ActmaxPanel.revive(panel, deps, state),
    }),
    ...registerCommands(deps),
    ...registerPytorch({ ...deps, torchvisionDir: path.join(context.globalStorageUri.fsPath, 'torchvision') }),
    ...registerTopk({ ...deps, storageDir: context.globalStorageUri.fsPath }),
  );
  // Nothing heavy at activation: the workspace is scanned when the Layers view first shows (or a picker lists the
  // models), and the engine starts with the first request that needs it (the status bar says it has not started).
  if (layersView.visible) void registry.whenScanned();
  else {
    const scanWhenShown = layersView.onDidChangeVisibility((e) => {
      if (!e.visible) return;
      scanWhenShown.dispose();
      void registry.whenScanned();
    });
    context.subscriptions.push(scanWhenShown);
  }

  const panels: Record<PanelKind, () => PanelBase<{ type: string }, { type: string }> | undefined> = {
    kernels: () => KernelsPanel.current,
    featureMaps: () => FeatureMapsPanel.current,
    actmax: () => ActmaxPanel.current,
    topk: () => TopkPanel.current,
  };

  return {
    backendStatus: () => engine.backendStatus(),
    enginePid: () => engine.pid,
    engineRequest: (method, params, onProgress) => engine.request(method, params, { onProgress }),
    statusBarText: () => statusBar.text,
    statusBarTooltip: () => statusBar.tooltipText,
    activeModel: async () => {
      const state = await registry.load(registry.activePath);
      return state.kind === 'loaded' ? state.info : undefined;
    },
    layersViewLabels: async () => {
      const roots = await tree.getChildren();
      const active = roots.find((n) => n.kind === 'model' && n.entry.path === registry.activePath);
      const layers = active ? await tree.getChildren(active) : [];
      return {
        models: roots.map((n) => String(tree.getTreeItem(n).label)),
        layers: layers.map((n) => String(tree.getTreeItem(n).label)),
        descriptions: layers.map((n) => String(tree.getTreeItem(n).description ?? '')),
      };
    },
    panelSnapshot: async (kind, modelPath, part) => (kind === 'actmax' && modelPath ? ActmaxPanel.forModel(modelPath) : panels[kind]())?.requestSnapshot(5000, part),
    explainInFeatureMaps: (action) => {
      FeatureMapsPanel.current?.explainTest(action);
      return FeatureMapsPanel.current !== undefined;
    },
    exportExplainPng: (slot, path) => {
      FeatureMapsPanel.current?.exportExplainForTest(slot, path);
      return FeatureMapsPanel.current !== undefined;
    },
    featureMapsExplainRuns: () => FeatureMapsPanel.current?.explainer.engineRuns ?? 0,
    shownMessages: () => messages.history,
    hoverFirstKernel: () => KernelsPanel.current?.hoverFirstCell() ?? false,
    typeFeatureMapsInputSize: (text) => {
      FeatureMapsPanel.current?.typeInputSize(text);
      return FeatureMapsPanel.current !== undefined;
    },
    typeActmaxInputSize: (text) => {
      ActmaxPanel.current?.typeInputSize(text);
      return ActmaxPanel.current !== undefined;
    },
    chooseFeatureMapsPreprocessing: (choice) => {
      FeatureMapsPanel.current?.choosePreprocessing(choice as PreprocessChoice);
      return FeatureMapsPanel.current !== undefined;
    },
    layersViewVisible: () => layersView.visible,
    layersViewModel: (modelPath) => tree.describeModel(modelPath),
    answerQuickPicks: (labels) => answerQuickPicks(labels),
    offeredQuickPicks: () => offeredQuickPicks(),
    panelModel: (kind) => panels[kind]()?.modelPath,
    openUnitFromPanel: (kind, index) => {
      const panel = panels[kind]();
      panel?.openUnitForTest(index);
      return panel !== undefined;
    },
    actmaxPanels: () => ActmaxPanel.all().map((p) => p.identity),
    reloadActmaxPanel: (modelPath) => ActmaxPanel.reloadForTest(deps, modelPath),
    answerPrompts: (answers) => queueAnswers(answers),
    pythonRuns: () => converted.pythonRuns,
    storageDir: () => context.globalStorageUri.fsPath,
  };
}

export function deactivate(): void {}
