import * as vscode from 'vscode';
import { LayerLensError, toErrorPayload } from '../../shared/errors';
import type { EngineService } from '../engine/engineService';
import type { ModelRegistry } from '../models/modelRegistry';
import { openActmax } from '../actmax/openActmax';
import { showFeatureMaps } from '../images/showFeatureMaps';
import { convLayers, KernelsPanel, type KernelsDeps } from '../panels/kernelsPanel';
import { backendLabel } from '../statusBar';
import type { UserMessages } from '../userMessages';
import { modelDisplayName } from '../../shared/modelDisplayName';
import { chooseModel, pickLayer, type ModelChoiceDeps } from './chooseModel';
import type { ConvertedModels } from '../pytorch/convertedModels';
import { openModelFile } from '../pytorch/registerPytorch';
import { parseLayerTarget } from './commandArgs';
import { pickOne } from './quickPicks';
import { selectLayer } from './selectLayer';

export interface CommandDeps extends KernelsDeps, ModelChoiceDeps {
  engine: EngineService;
  registry: ModelRegistry;
  messages: UserMessages;
  /** .pt/.pth files and the ONNX they were converted to. */
  converted: ConvertedModels;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { registry, messages, engine } = deps;
  // Every command reports its failure as one sentence and never throws into VS Code.
  const safe = (fn: (...args: unknown[]) => Promise<unknown>) => async (...args: unknown[]) => {
    try {
      await fn(...args);
    } catch (err) {
      messages.error(err);
    }
  };
  const register = (id: string, fn: (...args: unknown[]) => Promise<unknown>) => vscode.commands.registerCommand(id, safe(fn));

  return [
    register('layerLens.openModel', async () => {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Open in Layer Lens',
        filters: { 'Models (TF.js model.json, ONNX, Keras, PyTorch)': ['json', 'onnx', 'keras', 'h5', 'hdf5', 'pt', 'pth'] },
      });
      if (picked?.[0]) await openModelFile(deps, picked[0].fsPath);
    }),
    register('layerLens.openInLayerLens', async (arg) => {
      const target = parseLayerTarget(arg);
      const modelPath = target.uri?.fsPath ?? target.modelPath ?? vscode.window.activeTextEditor?.document.uri.fsPath;
      if (!modelPath) return;
      if (!(await openModelFile(deps, modelPath))) return;
      await vscode.commands.executeCommand('layerLens.layers.focus');
    }),
    register('layerLens.selectModel', async (arg) => {
      const target = parseLayerTarget(arg);
      let modelPath = target.modelPath;
      if (!modelPath) {
        await registry.whenScanned();
        const pick = await pickOne(
          registry.entries().map((e) => ({ label: modelDisplayName(e.path), description: e.path === registry.activePath ? 'active' : '', detail: e.path })),
          { title: 'Select Model', placeHolder: 'Choose the model Layer Lens shows' },
        );
        modelPath = pick?.detail;
      }
      if (modelPath) await openModelFile(deps, modelPath);
    }),
    register('layerLens.visualizeKernels', async (arg) => {
      const target = parseLayerTarget(arg);
      const modelPath = target.uri?.fsPath ?? target.modelPath ?? (await chooseModel(deps, 'Visualize Kernels'));
      if (!modelPath) return;
      let layerId = target.layerId;
      if (!layerId) {
        const layers = convLayers(await registry.info(modelPath));
        if (layers.length === 0) throw new LayerLensError('badArgument', `${modelPath} has no convolution layer with kernels to draw.`);
        layerId = layers.length === 1 || !!target.uri ? layers[0].id : await pickLayer(modelPath, 'Visualize Kernels', 'Which layer’s kernels?',
          layers.map((l) => ({ id: l.label, description: l.kernelText })));
      }
      if (layerId) KernelsPanel.createOrShow(deps, modelPath, layerId);
    }),
    register('layerLens.showFeatureMaps', async (arg) => showFeatureMaps(deps, arg)),
    register('layerLens.maximizeActivation', async (arg) => openActmax(deps, arg, 'single')),
    register('layerLens.visualizeLayer', async (arg) => openActmax(deps, arg, 'atlas')),
    register('layerLens.selectLayer', async (arg) => selectLayer(deps, parseLayerTarget(arg))),
    register('layerLens.refreshLayers', async () => registry.refresh()),
    register('layerLens.restartEngine', async () => {
      // A restart takes seconds (the backend initialises again): show that it runs, then what it came up with.
      const status = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Restarting the Layer Lens engine…' },
        async () => {
          engine.restart();
          return engine.backendStatus();
        },
      ).then(undefined, (err: unknown) => {
        throw new LayerLensError('engineCrashed', `The Layer Lens engine did not restart: ${toErrorPayload(err).message}`);
      });
      const kernels = status.kernels ? `, kernels ${status.kernels}` : '';
      messages.info(`Layer Lens engine restarted: ${backendLabel(status)} — ${status.detail}${kernels}.${status.notHonoured ? ` ${status.notHonoured}` : ''}`);
    }),
  ];
}
