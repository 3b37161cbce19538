// A repository must not be able to make the engine run its code. `layerLens.nativeBackendPath` names a module the
// engine requires at start-up; a workspace's .vscode/settings.json that sets it (in a trusted workspace: the runner
// starts code-server with --disable-workspace-trust) is ignored, and the engine starts and works as before.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, waitFor, workspaceDir } from './helpers';

suite('workspace trust', () => {
  let settingsFile: string;
  let previous: string | undefined;
  let moduleDir: string;
  let marker: string;

  suiteSetup(() => {
    settingsFile = path.join(workspaceDir(), '.vscode', 'settings.json');
    previous = existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : undefined;
    moduleDir = mkdtempSync(path.join(tmpdir(), 'layer-lens-trust-'));
    marker = path.join(moduleDir, 'marker.txt');
    // What a hostile repository would ship: a "native backend" whose only job is to run.
    writeFileSync(path.join(moduleDir, 'index.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'the engine ran workspace code');\n`);
  });

  suiteTeardown(async () => {
    if (previous === undefined) rmSync(settingsFile, { force: true });
    else writeFileSync(settingsFile, previous);
    await waitFor('the workspace settings to be restored', () => vscode.workspace.getConfiguration('layerLens').inspect('backend')?.workspaceValue !== 'tensorflow');
    await vscode.commands.executeCommand('layerLens.restartEngine');
    rmSync(moduleDir, { recursive: true, force: true });
  });

  test("a workspace's layerLens.nativeBackendPath is never loaded, and the engine still works", async function () {
    this.timeout(120_000);
    const lens = await api();
    const settings = previous ? (JSON.parse(previous) as Record<string, unknown>) : {};
    // backend "tensorflow" makes the engine try the native binding first, the path it names before any other.
    settings['layerLens.backend'] = 'tensorflow';
    settings['layerLens.nativeBackendPath'] = moduleDir;
    mkdirSync(path.dirname(settingsFile), { recursive: true });
    writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    await waitFor('VS Code to read the workspace settings', () => vscode.workspace.getConfiguration('layerLens').inspect('backend')?.workspaceValue === 'tensorflow');

    assert.equal(vscode.workspace.getConfiguration('layerLens').get('nativeBackendPath'), '', 'VS Code applied the workspace value');
    await vscode.commands.executeCommand('layerLens.restartEngine');
    const status = await waitFor('an engine started with the workspace settings', async () => {
      const s = await lens.backendStatus();
      return s.preference === 'tensorflow' && s;
    }, 60_000);
    // The tensorflow attempt ran (and found no binding), without the workspace's module.
    assert.ok(status.attempts.some((a) => a.backend.startsWith('tensorflow') && !a.ok), JSON.stringify(status.attempts));
    assert.ok(!JSON.stringify(status.attempts).includes(moduleDir), JSON.stringify(status.attempts));
    const info = await lens.activeModel();
    assert.ok(info && info.layers.length > 0, 'the engine did not answer a model request');
    // Give a late start every chance to show itself.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(existsSync(marker), false, `${marker} was written: the engine ran the workspace's module`);
  });
});
