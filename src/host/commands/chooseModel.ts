// Palette commands never act on a hidden model: they ask model → layer, naming the model by its display name.
// The model the user is looking at comes first — the focused panel's, then the one selected in the Layers view,
// then the active one — and each is said to be so.
import * as vscode from 'vscode';
import { modelDisplayName } from '../../shared/modelDisplayName';
import type { ModelRegistry } from '../models/modelRegistry';
import { PanelBase } from '../panels/panelBase';
import { pickOne } from './quickPicks';

export interface ModelChoiceDeps {
  registry: ModelRegistry;
  /** The model of the node selected in the Layers view, if any. */
  selectedModelPath?: () => string | undefined;
}

interface ModelItem extends vscode.QuickPickItem {
  modelPath: string;
}

/** The model a command runs on: the only one known, or the user's pick; undefined when the pick was dismissed. */
export async function chooseModel(deps: ModelChoiceDeps, commandTitle: string): Promise<string | undefined> {
  // The workspace is scanned at first need, not at activation: the pick lists its models only once that is done.
  await deps.registry.whenScanned();
  const entries = deps.registry.entries();
  if (entries.length === 1) return entries[0]!.path;
  const why = new Map<string, string[]>();
  const mark = (modelPath: string | undefined, reason: string) => {
    if (modelPath && entries.some((e) => e.path === modelPath)) why.set(modelPath, [...(why.get(modelPath) ?? []), reason]);
  };
  mark(PanelBase.focusedModelPath(), 'focused panel');
  mark(deps.selectedModelPath?.(), 'selected in Layers');
  mark(deps.registry.activePath, 'active');
  // Insertion order of `why` is focused, selected, active: those first, the rest as the Layers view lists them.
  const ordered = [...why.keys(), ...entries.map((e) => e.path).filter((p) => !why.has(p))];
  const items: ModelItem[] = ordered.map((modelPath) => ({
    label: modelDisplayName(modelPath),
    description: (why.get(modelPath) ?? []).join(' · '),
    detail: modelPath,
    modelPath,
  }));
  const pick = await pickOne(items, { title: commandTitle, placeHolder: 'Which model?' });
  return pick?.modelPath;
}

/** A layer of `modelPath` picked by the user, the model named in the pick; undefined when dismissed. */
export async function pickLayer(
  modelPath: string,
  commandTitle: string,
  question: string,
  layers: { id: string; description: string }[],
): Promise<string | undefined> {
  const name = modelDisplayName(modelPath);
  const pick = await pickOne(
    layers.map((l) => ({ label: l.id, description: l.description })),
    { title: `${commandTitle} — ${name}`, placeHolder: `${question} (${name})` },
  );
  return pick?.label;
}
