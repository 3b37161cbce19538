// Finds and reads a model's sidecar through the ModelFiles seam (no file system here).
import { LayerLensError } from '../../shared/errors';
import { jsonProblem } from '../../shared/userText';
import type { ModelFiles } from '../io/modelFiles';
import { parseLabelsText } from './inputSpec';
import type { SidecarFile } from './inputSpec';

/**
 * The sidecar names tried, in order: `<model without extension>.layerlens.json` (model.json →
 * model.layerlens.json, net.onnx → net.layerlens.json), then `model.layerlens.json` in the same folder.
 * Returns undefined when there is none. A labels file is read from the model's folder (never outside it):
 * one class per line, or a JSON list of strings when its name ends in .json.
 */
export async function loadSidecar(files: ModelFiles): Promise<SidecarFile | undefined> {
  const own = files.path.split(/[\\/]/).pop() ?? files.path;
  const stem = own.includes('.') ? own.slice(0, own.lastIndexOf('.')) : own;
  const names = [...new Set([`${stem}.layerlens.json`, 'model.layerlens.json'])];
  for (const name of names) {
    const bytes = await readOptional(files, name);
    if (!bytes) continue;
    let json: unknown;
    const text = new TextDecoder().decode(bytes);
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new LayerLensError('notJson', `The sidecar ${name} cannot be read: ${jsonProblem(text, e)}.`);
    }
    const sidecar: SidecarFile = { fileName: name, json };
    const labelsFile = typeof json === 'object' && json !== null ? (json as { labelsFile?: unknown }).labelsFile : undefined;
    if (typeof labelsFile === 'string' && labelsFile !== '') {
      const labelBytes = await readOptional(files, labelsFile);
      if (!labelBytes) throw new LayerLensError('notFound', `${labelsFile}, named by ${name} as its labels file, was not found next to the model.`);
      sidecar.fileLabels = parseLabels(new TextDecoder().decode(labelBytes), labelsFile);
    }
    return sidecar;
  }
  return undefined;
}

function parseLabels(text: string, fileName: string): string[] {
  if (!fileName.toLowerCase().endsWith('.json')) return parseLabelsText(text);
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (e) {
    throw new LayerLensError('notJson', `The labels file ${fileName} cannot be read: ${jsonProblem(text, e)}.`);
  }
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
    throw new LayerLensError('badArgument', `${fileName} must hold a JSON list of class names.`);
  }
  return list as string[];
}

/** Bytes of a file, or undefined when it does not exist; a name leaving the folder still throws. */
async function readOptional(files: ModelFiles, name: string): Promise<Uint8Array | undefined> {
  try {
    return await files.read(name);
  } catch (e) {
    if (e instanceof LayerLensError && (e.code === 'missingWeights' || e.code === 'notFound')) return undefined;
    throw e;
  }
}
