// Tells open panels that actmax pictures of some units were just filed in the per-unit index, so the Top
// Images panel can show a picture the moment its actmax run finishes instead of on its next run.
import { resolve } from 'node:path';
import * as vscode from 'vscode';

export interface UnitsRecorded {
  /** Absolute path of the model file. */
  modelPath: string;
  layerIds: string[];
}

const emitter = new vscode.EventEmitter<UnitsRecorded>();

export const onUnitsRecorded = emitter.event;

export function announceUnitsRecorded(modelPath: string, layerIds: string[]): void {
  if (layerIds.length > 0) emitter.fire({ modelPath: resolve(modelPath), layerIds });
}
