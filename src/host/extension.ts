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
import type { PreprocessChoice } from '../shared/featureMapsProtocol';
import { currentPanel, registerPanelSerializers, type PanelOf } from './panels/panelKinds';
import { UnitPanel } from './panels/unitPanel';
import { ConvertedModels } from './pytorch/convertedModels';
import { queueAnswers } from './pytorch/prompts';
import { registerPytorch } from './pytorch/registerPytorch';
import { BackendStatusBar } from './statusBar';
import { registerTopk } from './topk/registerTopk';
import { registerAtlas } from './atlas/registerAtlas';
import { registerUnit } from './unit/openUnit';
import { TopkFolderMemory } from './unit/topkFolders';
import { UnitPages } from './unit/unitPages';
import { UnitSettingsMemory } from './unit/unitSettingsMemory';
import { LayersTreeProvider } from './tree/layersTree';
import { UserMessages } from './userMessages';

export function activate(context: vscode.ExtensionContext): LayerLensApi {
  const messages = new UserMessages();
  const engine = new EngineService(path.join(context.extensionPath, 'dist', 'engine.js'), messages);
  const statusBar = new BackendStatusBar();
  const registry = new ModelRegistry(context, engine);
  // A .pt/.pth stays the model everywhere in the host; the engine is given the ONNX it was converted to.
  const converted = new ConvertedModels(path.join(context.globalStorageUri.fsPath, 'converted'));
  // The Unit panel takes dataset examples from the folder of the model's last Top Images run, seen here.
  const topkFolders = new TopkFolderMemory(path.join(context.globalStorageUri.fsPath, 'unit', 'topk-folders.json'));
  engine.use(topkFolders.observe(converted.middleware));
  const unitPages = new UnitPages(engine, path.join(context.globalStorageUri.fsPath, 'unit'), path.join(context.globalStorageUri.fsPath, 'actmax'));
  const tree = new LayersTreeProvider(registry);
  const layersView = vscode.window.createTreeView('layerLens.layers', { treeDataProvider: tree });
  const deps = { extensionUri: context.extensionUri, messages, engine, registry, actmaxCacheDir: path.join(context.globalStorageUri.fsPath, 'actmax'), converted,
    storageDir: context.globalStorageUri.fsPath, pages: unitPages, topkFolders, unitSettings: new UnitSettingsMemory(context.workspaceState), selectedModelPath: () => parseLayerTarget(layersView.selection[0]).modelPath };

  context.subscriptions.push(
    messages,
    engine,
    statusBar,
    registry,
    tree,
    engine.onDidChangeStatus((s) => statusBar.update(s)),
    layersView,
    ...registerPanelSerializers(deps),
    ...registerCommands(deps),
    ...registerPytorch({ ...deps, torchvisionDir: path.join(context.globalStorageUri.fsPath, 'torchvision') }),
    ...registerTopk(deps),
    ...registerUnit(deps),
    ...registerAtlas(deps),
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
    panelSnapshot: async (kind, modelPath, part) => (kind === 'actmax' && modelPath ? ActmaxPanel.forModel(modelPath) : currentPanel(kind))?.requestSnapshot(5000, part),
    explainInFeatureMaps: (action) => withCurrent('featureMaps', (p) => p.explainTest(action)),
    exportExplainPng: (slot, path) => withCurrent('featureMaps', (p) => p.exportExplainForTest(slot, path)),
    featureMapsExplainRuns: () => currentPanel('featureMaps')?.explainer.engineRuns ?? 0,
    featureMapsEngineRequests: () => ({ ...(currentPanel('featureMaps')?.engineRequests ?? { open: 0, layer: 0 }) }),
    shownMessages: () => messages.history,
    hoverFirstKernel: () => currentPanel('kernels')?.hoverFirstCell() ?? false,
    typeFeatureMapsInputSize: (text) => withCurrent('featureMaps', (p) => p.typeInputSize(text)),
    typeActmaxInputSize: (text) => withCurrent('actmax', (p) => p.typeInputSize(text)),
    chooseFeatureMapsPreprocessing: (choice) => withCurrent('featureMaps', (p) => p.choosePreprocessing(choice as PreprocessChoice)),
    layersViewVisible: () => layersView.visible,
    layersViewModel: (modelPath) => tree.describeModel(modelPath),
    answerQuickPicks: (labels) => answerQuickPicks(labels),
    offeredQuickPicks: () => offeredQuickPicks(),
    panelModel: (kind) => currentPanel(kind)?.modelPath,
    openUnitFromPanel: (kind, index) => withCurrent(kind, (p) => p.openUnitForTest(index)),
    unitPanelTarget: () => currentPanel('unit')?.target,
    unitEngineRuns: () => unitPages.engineRuns,
    unitEngineSettings: () => [...unitPages.engineSettings],
    typeUnitSettings: (input) => withCurrent('unit', (p) => p.typeSettingsForTest(input)),
    reloadUnitPanel: () => UnitPanel.reloadForTest(deps),
    cancelUnitPage: () => withCurrent('unit', (p) => p.cancelForTest()),
    actmaxPanels: () => ActmaxPanel.all().map((p) => p.identity),
    reloadActmaxPanel: (modelPath) => ActmaxPanel.reloadForTest(deps, modelPath),
    answerPrompts: (answers) => queueAnswers(answers),
    pythonRuns: () => converted.pythonRuns,
    storageDir: () => context.globalStorageUri.fsPath,
  };
}

/** Tests: acts on the kind's current panel; false when none is open. */
function withCurrent<K extends PanelKind>(kind: K, act: (panel: PanelOf<K>) => void): boolean {
  const panel = currentPanel(kind);
  if (panel) act(panel);
  return panel !== undefined;
}

export function deactivate(): void {}
