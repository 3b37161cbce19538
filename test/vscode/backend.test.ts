// `layerLens.backend` picks the engine's TF.js backend, and the status bar names the one running (and the
// native kernels when they run the convolutions).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { api, extension, waitFor, withSetting } from './helpers';

/** npm run build compiles the addon wherever a C++ compiler exists; without one these tests have nothing to check. */
function nativeBuilt(): boolean {
  return existsSync(path.join(extension().extensionPath, 'dist', 'layer_lens_kernels.node'));
}

suite('backend setting', () => {
  let restore: (() => Thenable<void>) | undefined;

  suiteTeardown(async () => {
    await restore?.();
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    test(`${backend} shows in the status bar`, async function () {
      this.timeout(90_000);
      const lens = await api();
      const undo = await withSetting('layerLens', 'backend', backend);
      restore ??= undo;
      const status = await waitFor(`the engine to run ${backend}`, async () => {
        const s = await lens.backendStatus();
        return s.active === backend && s;
      }, 60_000);
      assert.equal(status.preference, backend);
      await waitFor(`the status bar to name ${backend} (now "${lens.statusBarText()}")`, () => lens.statusBarText().includes(backend));
      assert.ok(!lens.statusBarText().includes(backend === 'cpu' ? 'wasm' : 'cpu'), lens.statusBarText());
    });
  }

  test('auto: the tooltip lists every backend tried (webgpu skipped with its reason) and which Node runs the engine; a nodePath that is no Node is said', async function () {
    this.timeout(90_000);
    const lens = await api();
    const undo = await withSetting('layerLens', 'backend', 'auto');
    // A setting naming a program is read from user settings only.
    const config = () => vscode.workspace.getConfiguration('layerLens');
    const missing = path.join(extension().extensionPath, 'no-such-folder', 'node');
    await config().update('nodePath', missing, vscode.ConfigurationTarget.Global);
    try {
      const status = await waitFor('the engine to start under auto without the missing nodePath', async () => {
        const s = await lens.backendStatus();
        return s.preference === 'auto' && s.engineNode?.includes('Not used') && s;
      }, 60_000);
      // No hardware GPU here: auto never runs on a software adapter, so the engine runs a CPU backend.
      assert.ok(['wasm', 'cpu'].includes(status.active), status.active);
      assert.equal(status.notHonoured, undefined);
      assert.equal(status.adapter, undefined);
      const tooltip = await waitFor('the tooltip to name the Node', () => lens.statusBarTooltip().includes('Not used') && lens.statusBarTooltip());
      const lines = tooltip.split('\n');
      assert.equal(lines[0], `Backend: ${status.detail} (setting: auto)`);
      assert.ok(lines.includes(`Engine runs on the extension host's Node ${process.version}. Not used: layerLens.nodePath ${missing} was not found.`), tooltip);
      const tried = lines.slice(lines.indexOf('Tried, in order:') + 1);
      assert.match(tried[0] ?? '', /^- webgpu skipped: \S/, tooltip);
      assert.ok(tried.includes(`- ${status.active}: started`), tooltip);
      assert.ok(!lens.statusBarText().includes('webgpu'), lens.statusBarText());
    } finally {
      await config().update('nodePath', undefined, vscode.ConfigurationTarget.Global);
      await undo();
    }
  });

  test('tensorflow without tfjs-node: the bar warns, the tooltip and Restart Engine say why and what runs instead', async function () {
    this.timeout(90_000);
    const lens = await api();
    const undo = await withSetting('layerLens', 'backend', 'tensorflow');
    try {
      const status = await waitFor('the engine to fall back from tensorflow', async () => {
        const s = await lens.backendStatus();
        return s.preference === 'tensorflow' && s;
      }, 60_000);
      assert.equal(status.active, 'wasm');
      assert.match(status.notHonoured ?? '', /^Backend tensorflow could not be used \(@tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed\); wasm .* runs instead\.$/);
      await waitFor(`the bar to warn (now "${lens.statusBarText()}")`, () => lens.statusBarText().startsWith('$(warning) Layer Lens: wasm') && lens.statusBarText().endsWith('(tensorflow unavailable)'));
      assert.ok(lens.statusBarTooltip().split('\n').includes(status.notHonoured!), lens.statusBarTooltip());
      const before = lens.shownMessages().length;
      await vscode.commands.executeCommand('layerLens.restartEngine');
      const shown = await waitFor('the restart message', () => lens.shownMessages().slice(before).find((m) => m.startsWith('Layer Lens engine restarted')));
      assert.match(shown, /^Layer Lens engine restarted: wasm.* Backend tensorflow could not be used \(/);
    } finally {
      await undo();
    }
  });

  test('the native kernels run the convolutions, show in the status bar, and layerLens.nativeKernels turns them off', async function () {
    this.timeout(120_000);
    if (!nativeBuilt()) this.skip();
    const lens = await api();
    const undoBackend = await withSetting('layerLens', 'backend', 'wasm');
    try {
      const on = await waitFor('the engine to run wasm', async () => {
        const s = await lens.backendStatus();
        return s.active === 'wasm' && s;
      }, 60_000);
      assert.match(on.kernels ?? '', /^native conv \((AVX-512|AVX2|portable), \d+ threads?\)$/);
      await waitFor(`the status bar to say wasm + native (now "${lens.statusBarText()}")`, () => lens.statusBarText().includes('wasm + native'));
      const undo = await withSetting('layerLens', 'nativeKernels', false);
      try {
        const off = await waitFor('the engine to restart without native kernels', async () => {
          const s = await lens.backendStatus();
          return s.kernels?.includes('turned off by layerLens.nativeKernels') && s;
        }, 60_000);
        assert.equal(off.active, 'wasm');
        await waitFor(`the status bar to drop native (now "${lens.statusBarText()}")`, () => !lens.statusBarText().includes('native'));
      } finally {
        await undo();
      }
      await waitFor('the native kernels to come back', async () => (await lens.backendStatus()).kernels?.startsWith('native') ?? false, 60_000);
    } finally {
      await undoBackend();
    }
  });

  test('an engine crash in native code turns the native kernels off with one warning; Restart Engine brings them back', async function () {
    this.timeout(120_000);
    if (!nativeBuilt()) this.skip();
    const lens = await api();
    const on = await waitFor('the native kernels', async () => {
      const s = await lens.backendStatus();
      return s.kernels?.startsWith('native') && s;
    }, 60_000);
    assert.ok(on);
    const pid = lens.enginePid();
    assert.ok(pid, 'no engine process');
    const before = lens.shownMessages().length;
    // What a bug in the C++ kernels would do to the engine.
    process.kill(pid, 'SIGSEGV');
    await waitFor('the crash to be noticed', () => lens.enginePid() !== pid, 30_000);
    const off = await waitFor('a new engine without native kernels', async () => {
      const s = await lens.backendStatus();
      return s.kernels?.includes('turned off for this session after the engine crashed (SIGSEGV)') && s;
    }, 60_000);
    assert.equal(off.active, 'wasm');
    const shown = lens.shownMessages().slice(before);
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.match(shown[0]!, /crashed \(SIGSEGV\) while running its native kernels/);
    await vscode.commands.executeCommand('layerLens.restartEngine');
    await waitFor('the native kernels after Restart Engine', async () => (await lens.backendStatus()).kernels?.startsWith('native') ?? false, 60_000);
  });
});
