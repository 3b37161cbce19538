// What every real-VS-Code suite needs: the activated extension's test API, the sample model's paths, and a
// poll-until-true helper (the extension host and the webviews answer asynchronously).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LayerLensApi } from '../../src/host/api';

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
