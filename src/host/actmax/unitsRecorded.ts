// Tells open panels that actmax pictures of some units were just filed in the per-unit index, so the Top
// Images panel can show a picture the moment its actmax run finishes instead of on its next run.
// A plain listener set rather than a vscode.EventEmitter: the actmax cache that announces it is also used by
// unit tests outside VS Code.
import { resolve } from 'node:path';

export interface UnitsRecorded {
  /** Absolute path of the model file. */
  modelPath: string;
  layerIds: string[];
}

type Listener = (e: UnitsRecorded) => void;

const listeners = new Set<Listener>();

/** Subscribes; the returned object's dispose() unsubscribes (a vscode.Disposable in shape). */
export function onUnitsRecorded(listener: Listener): { dispose(): void } {
  listeners.add(listener);
  return { dispose: () => void listeners.delete(listener) };
}

export function announceUnitsRecorded(modelPath: string, layerIds: string[]): void {
  if (layerIds.length === 0) return;
  const event = { modelPath: resolve(modelPath), layerIds };
  for (const listener of [...listeners]) listener(event);
}
