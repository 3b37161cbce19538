// The PyTorch side of the host's commands: "Open a torchvision Model…", and the one door every "open this model
// file" command goes through, which sends .pt/.pth files to the conversion flow.
import * as vscode from 'vscode';
import { isPytorchFile } from './convertedModels';
import { openPytorchFile, type PytorchDeps } from './openPytorch';
import { openTorchvisionModel, type TorchvisionDeps } from './openTorchvision';

/** Makes `file` the active model; a .pt/.pth is converted first (or taken from the cache). False: not opened. */
export async function openModelFile(deps: PytorchDeps, file: string): Promise<boolean> {
  if (isPytorchFile(file)) return openPytorchFile(deps, file);
  await deps.registry.setActive(file);
  return true;
}

export function registerPytorch(deps: TorchvisionDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('layerLens.openTorchvisionModel', async () => {
      try {
        await openTorchvisionModel(deps);
      } catch (err) {
        deps.messages.error(err);
      }
    }),
  ];
}
