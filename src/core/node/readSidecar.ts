// Node-only adapter: the sidecar of a model file on disk.
import { nodeModelFiles } from './nodeModelFiles';
import type { SidecarFile } from '../preprocess/inputSpec';
import { loadSidecar } from '../preprocess/loadSidecar';

/** Reads `<model>.layerlens.json` (or `model.layerlens.json`) and its labels file next to `modelPath`, if present. */
export function readSidecar(modelPath: string): Promise<SidecarFile | undefined> {
  return loadSidecar(nodeModelFiles(modelPath));
}
