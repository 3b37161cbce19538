// "Restart Engine" says what happened: a fresh engine process, and a message naming the backend it now runs,
// the same one the status bar names.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, waitFor } from './helpers';

suite('Restart Engine', () => {
  test('restarts the engine and says which backend the new one runs', async function () {
    this.timeout(90_000);
    const lens = await api();
    await lens.backendStatus();
    const oldPid = lens.enginePid();
    assert.ok(oldPid, 'the engine is not running before the restart');
    const before = lens.shownMessages().length;

    await vscode.commands.executeCommand('layerLens.restartEngine');

    const newPid = lens.enginePid();
    assert.ok(newPid && newPid !== oldPid, `the engine process was not replaced (pid ${oldPid} → ${newPid})`);
    const shown = lens.shownMessages().slice(before);
    const restarted = shown.filter((m) => m.startsWith('Layer Lens engine restarted: '));
    assert.equal(restarted.length, 1, `messages after the restart: ${JSON.stringify(shown)}`);
    const barBackend = lens.statusBarText().replace(/^\$\([^)]*\)\s*Layer Lens:\s*/, '');
    assert.ok(barBackend.length > 0, `the status bar names no backend: "${lens.statusBarText()}"`);
    assert.ok(restarted[0]!.startsWith(`Layer Lens engine restarted: ${barBackend} — `), `"${restarted[0]}" does not name the status bar's backend "${barBackend}"`);
    await waitFor('the new engine to answer', async () => (await lens.backendStatus()).active.length > 0);
  });
});
