// A window that does not use Layer Lens runs none of it (not activated, no engine process); once used, the
// extension activates, registers every command its manifest contributes, and starts its engine only with the
// first request that needs one.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, extension, waitFor } from './helpers';

/** Ids of the processes that run this extension's engine (its dist/engine.js), read from /proc. */
function engineProcesses(): number[] {
  const script = path.join(extension().extensionPath, 'dist', 'engine.js');
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(script);
      } catch {
        return false;
      }
    })
    .map(Number);
}

interface ContributedCommand {
  command: string;
}

suite('activation', () => {
  // First of all suites (files run in name order): nothing has used Layer Lens in this window yet.
  test('a window that has not used Layer Lens has not activated it and runs no engine', async () => {
    // After startup finished (the workbench ran the tests' bootstrap), and a moment later still nothing.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(extension().isActive, false, 'the extension activated in a window that never used it');
    assert.deepEqual(engineProcesses(), [], 'an engine process runs in a window that never used Layer Lens');
  });

  test('activates and returns the test API, without starting the engine', async () => {
    const wasActive = extension().isActive;
    const lens = await api();
    assert.equal(extension().isActive, true);
    if (!wasActive) {
      assert.equal(lens.enginePid(), undefined, 'activation started the engine');
      assert.match(lens.statusBarText(), /engine not started/);
      assert.deepEqual(engineProcesses(), []);
    }
    for (const fn of ['backendStatus', 'statusBarText', 'activeModel', 'layersViewLabels', 'panelSnapshot', 'shownMessages'] as const) {
      assert.equal(typeof lens[fn], 'function', `API lacks ${fn}`);
    }
  });

  test('every contributed command is registered', async () => {
    await api();
    const contributed = (extension().packageJSON.contributes?.commands ?? []) as ContributedCommand[];
    // LAYER_LENS_TEST_EXPECT_COMMAND adds a command that must exist: the runner's self-test sets a bogus one to see it fail.
    const extra = process.env.LAYER_LENS_TEST_EXPECT_COMMAND;
    const expected = [...contributed.map((c) => c.command), ...(extra ? [extra] : [])];
    assert.ok(contributed.length > 0, 'the manifest contributes no command');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = expected.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('the Layers view and its container are contributed', () => {
    const contributes = extension().packageJSON.contributes ?? {};
    const containers = (contributes.viewsContainers?.activitybar ?? []) as { id: string }[];
    assert.ok(containers.some((c) => c.id === 'layerLens'), 'no activity bar container layerLens');
    const views = (contributes.views?.layerLens ?? []) as { id: string }[];
    assert.ok(views.some((v) => v.id === 'layerLens.layers'), 'no view layerLens.layers');
  });

  test('the Layers view can be focused', async () => {
    const lens = await api();
    // Hidden first, so that the view becoming visible is the focus command's doing.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await waitFor('the Layers view to be hidden', () => !lens.layersViewVisible(), 10_000);
    // `<viewId>.focus` exists only for a registered view; executing it opens the container and shows the view.
    await vscode.commands.executeCommand('layerLens.layers.focus');
    await waitFor('the Layers view to be visible after focus', () => lens.layersViewVisible(), 10_000);
  });
});
