// The engine on TF.js's webgpu backend in a real VS Code: SwiftShader (the software Vulkan device Debian's chromium
// ships) stands in for a GPU. The extension forks the engine with the extension host's environment, so the suite
// sets the Vulkan variables on this process, points `layerLens.nodePath` at a Node of its own (a link, so the path
// differs from the host's) and chooses `webgpu`. It checks the status bar names the adapter and that Node, that the
// engine process runs that binary, that Feature Maps, a short Maximize Activation and Explain maps equal the cpu
// backend's, and that a Vulkan driver file that does not exist makes the engine fall back with a sentence, at once.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CanvasSnapshot } from '../../src/host/api';
import type { AttributionMethod } from '../../src/shared/attribution';
import type { BackendStatus } from '../../src/shared/backend';
import { swiftshaderEnv } from '../helpers/swiftshader';
import { api, sampleModelPath, waitFor, waitForSnapshot, withSetting } from './helpers';

const VULKAN_ENV = ['VK_ICD_FILENAMES', 'XDG_RUNTIME_DIR', 'LD_LIBRARY_PATH'] as const;
const imagePath = (): string => path.join(path.dirname(sampleModelPath()), 'samples', 'digit-3-a.png');
const target = { kind: 'class' as const, classIndex: 3 };
const ACTMAX_STEPS = 8;

/** What one backend computed through the panels and the engine requests they send. */
interface BackendRun {
  status: BackendStatus;
  /** Every layer's values from Feature Maps' forward pass, by layer id. */
  layers: Map<string, Float32Array>;
  probabilities: number[];
  featureMapsCanvas: CanvasSnapshot;
  actmaxObjective: number;
  maps: Record<'saliency' | 'gradcam', Float32Array>;
}

function relL2(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length, 'different sizes');
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
}

async function engineOn(backend: string, extra: (s: BackendStatus) => boolean = () => true): Promise<BackendStatus> {
  const lens = await api();
  return waitFor(`the engine to run ${backend}`, async () => {
    const s = await lens.backendStatus();
    return s.preference === backend && extra(s) && s;
  }, 60_000);
}

/** The extension's global storage folder (set up by the suite): the actmax result cache is its `actmax` folder. */
let storageDir = '';

/** Runs the actmax result cache holds now (one `.actmax` file per finished run). */
function actmaxCacheFiles(): Set<string> {
  try {
    return new Set(readdirSync(path.join(storageDir, 'actmax')).filter((f) => f.endsWith('.actmax')));
  } catch {
    return new Set();
  }
}

/** Feature Maps, Maximize Activation and the Explain maps of the sample digit on the backend the engine runs now. */
async function runWork(status: BackendStatus): Promise<BackendRun> {
  const lens = await api();
  const modelPath = sampleModelPath();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');

  await vscode.commands.executeCommand('layerLens.showFeatureMaps', { modelPath, imagePath: imagePath(), layerId: 'conv1' });
  const featureMapsCanvas = await waitForSnapshot('featureMaps', `the feature maps of conv1 on ${status.active}`, (s) => s.meta.layerId === 'conv1', 60_000);
  // The requests the panel sends: the pass, then each layer's values.
  const pass = await lens.engineRequest('featureMaps.open', { modelPath, imagePath: imagePath() });
  const layers = new Map<string, Float32Array>();
  for (const l of pass.layers) layers.set(l.id, (await lens.engineRequest('featureMaps.layer', { modelPath, imagePath: imagePath(), layerId: l.id })).data);
  const probabilities = pass.predictions.map((p) => p.probability);
  assert.equal(pass.predictions[0]?.classIndex, 3, `the sample model reads digit-3-a as ${JSON.stringify(pass.predictions)} on ${status.active}`);

  // One Explain map in the panel, so the panel's own path runs on this backend too.
  assert.ok(lens.explainInFeatureMaps({ kind: 'run', slot: 0, options: { method: 'saliency', target } }), 'no feature maps panel');
  const explained = await waitFor(`the panel's saliency map on ${status.active}`, async () => {
    const s = await lens.panelSnapshot('featureMaps', undefined, 'explain');
    return s && ['done', 'error'].includes(String(s.meta.status0)) && s;
  }, 30_000);
  assert.equal(explained.meta.status0, 'done', `the Explain slot failed: ${String(explained.meta.message0)}`);
  const maps = {} as BackendRun['maps'];
  for (const method of ['saliency', 'gradcam'] as const satisfies readonly AttributionMethod[]) {
    maps[method] = (await lens.engineRequest('attribution.run', { modelPath, imagePath: imagePath(), options: { method, target } })).data;
  }
  let sum = 0;
  for (const v of maps.saliency) sum += v;
  assert.equal(explained.meta.sum0, sum, 'the panel shows another saliency map than the engine computes');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');

  // The result cache answers a run it has seen, whatever the backend: the run files this backend's run adds are
  // removed afterwards, so each backend computes its own.
  const before = actmaxCacheFiles();
  await vscode.commands.executeCommand('layerLens.maximizeActivation', { modelPath, layerId: 'conv2', units: '5', preset: 'lucid', steps: ACTMAX_STEPS, seed: 7, run: true });
  const actmax = await waitForSnapshot('actmax', `${ACTMAX_STEPS} actmax steps on ${status.active}`, (s) => s.meta.step === ACTMAX_STEPS && s.meta.running === 0, 60_000);
  assert.equal(actmax.meta.cached, 0, `the actmax run on ${status.active} came from the cache`);
  assert.equal(actmax.meta.unit, 5);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  for (const f of actmaxCacheFiles()) if (!before.has(f)) rmSync(path.join(storageDir, 'actmax', f), { force: true });

  return { status, layers, probabilities, featureMapsCanvas, actmaxObjective: Number(actmax.meta.objective), maps };
}

suite('WebGPU engine (SwiftShader)', () => {
  const savedEnv = new Map<string, string | undefined>();
  const undo: (() => Thenable<void>)[] = [];
  let tempDir = '';
  /** The private XDG_RUNTIME_DIR made for SwiftShader. */
  let runtimeDir = '';
  let nodePath = '';
  let webgpu: BackendRun | undefined;

  suiteSetup(async function () {
    this.timeout(90_000);
    const lens = await api();
    storageDir = lens.storageDir();
    // Throws SWIFTSHADER_MISSING (what to install) where chromium's SwiftShader is not there: a failure, not a skip.
    const env = swiftshaderEnv(process.env);
    for (const k of VULKAN_ENV) {
      savedEnv.set(k, process.env[k]);
      process.env[k] = env[k];
    }
    runtimeDir = env.XDG_RUNTIME_DIR ?? '';
    tempDir = mkdtempSync(path.join(tmpdir(), 'layer-lens-node-'));
    nodePath = path.join(tempDir, 'node');
    symlinkSync(process.execPath, nodePath);
    const config = vscode.workspace.getConfiguration('layerLens');
    const previousNodePath = config.inspect<string>('nodePath')?.globalValue;
    await config.update('nodePath', nodePath, vscode.ConfigurationTarget.Global);
    undo.push(() => vscode.workspace.getConfiguration('layerLens').update('nodePath', previousNodePath, vscode.ConfigurationTarget.Global));
    undo.push(await withSetting('layerLens', 'backend', 'webgpu'));
    await engineOn('webgpu', (s) => s.active === 'webgpu' || s.notHonoured !== undefined);
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The environment first: restoring the settings restarts the engine, which must start without SwiftShader.
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    for (const u of undo.reverse()) await u();
    const backend = vscode.workspace.getConfiguration('layerLens').get<string>('backend', 'auto');
    await engineOn(backend);
    for (const dir of [tempDir, runtimeDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('runs on SwiftShader, named in the status bar, in an engine process that runs layerLens.nodePath', async function () {
    this.timeout(60_000);
    const lens = await api();
    const status = await engineOn('webgpu');
    assert.equal(status.active, 'webgpu', `${status.notHonoured ?? ''} ${JSON.stringify(status.attempts)}`);
    assert.equal(status.notHonoured, undefined);
    assert.deepEqual(status.adapter, { vendor: 'google', architecture: 'swiftshader', software: true });
    assert.equal(status.detail, 'webgpu (google swiftshader, software)');
    await waitFor(`the status bar to name the adapter (now "${lens.statusBarText()}")`, () => lens.statusBarText() === '$(circuit-board) Layer Lens: webgpu (google swiftshader, software)');
    const lines = lens.statusBarTooltip().split('\n');
    assert.ok(lines.includes('WebGPU adapter: google swiftshader (software)'), lens.statusBarTooltip());
    assert.ok(lines.includes(`Engine runs on ${nodePath} (layerLens.nodePath).`), lens.statusBarTooltip());
    assert.ok(lines.includes('- webgpu: started'), lens.statusBarTooltip());

    const pid = lens.enginePid();
    assert.ok(pid, 'no engine process');
    assert.notEqual(nodePath, process.execPath);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    assert.equal(argv[0], nodePath, `the engine runs ${argv.join(' ')}`);
  });

  test('Feature Maps, a short Maximize Activation and Explain maps on webgpu equal the cpu backend\'s', async function () {
    this.timeout(150_000);
    webgpu = await runWork(await engineOn('webgpu', (s) => s.active === 'webgpu'));
    const undoCpu = await withSetting('layerLens', 'backend', 'cpu');
    let cpu: BackendRun;
    try {
      cpu = await runWork(await engineOn('cpu', (s) => s.active === 'cpu'));
    } finally {
      await undoCpu();
    }
    assert.equal(webgpu.status.active, 'webgpu');

    assert.deepEqual([...webgpu.layers.keys()], [...cpu.layers.keys()]);
    assert.ok(webgpu.layers.size >= 5, `only ${webgpu.layers.size} layers`);
    const worst = [...cpu.layers].map(([id, values]) => ({ id, err: relL2(webgpu!.layers.get(id)!, values) })).sort((a, b) => b.err - a.err)[0]!;
    assert.ok(worst.err <= 1e-4, `layer ${worst.id}: webgpu vs cpu ${worst.err.toExponential(2)} relative L2`);
    const pw = webgpu.probabilities;
    cpu.probabilities.forEach((p, i) => assert.ok(Math.abs(pw[i]! - p) <= 1e-4, `top-${i + 1} probability ${pw[i]} vs ${p}`));
    // The panel draws the same maps: colours at most one level apart where the values agree to 1e-4.
    const a = webgpu.featureMapsCanvas.rgba;
    const b = cpu.featureMapsCanvas.rgba;
    assert.equal(a.length, b.length);
    let off = 0;
    for (let i = 0; i < a.length; i++) off = Math.max(off, Math.abs(a[i]! - b[i]!));
    assert.ok(off <= 1, `the feature maps canvases differ by ${off} levels`);

    const objectiveErr = Math.abs(webgpu.actmaxObjective - cpu.actmaxObjective) / Math.max(Math.abs(cpu.actmaxObjective), 1e-12);
    assert.ok(Number.isFinite(webgpu.actmaxObjective) && cpu.actmaxObjective > 0, `objectives ${webgpu.actmaxObjective} and ${cpu.actmaxObjective}`);
    assert.ok(objectiveErr <= 1e-3, `actmax objective after ${ACTMAX_STEPS} steps: webgpu ${webgpu.actmaxObjective} vs cpu ${cpu.actmaxObjective} (${objectiveErr.toExponential(2)} relative)`);

    for (const method of ['saliency', 'gradcam'] as const) {
      const err = relL2(webgpu.maps[method], cpu.maps[method]);
      assert.ok(err <= 1e-4, `${method}: webgpu vs cpu ${err.toExponential(2)} relative L2`);
    }
    console.log(`[layer-lens-test] webgpu vs cpu: feature maps worst ${worst.err.toExponential(2)} (${worst.id}), actmax objective ${objectiveErr.toExponential(2)}, saliency ${relL2(webgpu.maps.saliency, cpu.maps.saliency).toExponential(2)}, gradcam ${relL2(webgpu.maps.gradcam, cpu.maps.gradcam).toExponential(2)}`);
  });

  test('a Vulkan driver file that does not exist: the engine falls back at once to a CPU backend and the bar says why', async function () {
    this.timeout(60_000);
    const lens = await api();
    await engineOn('webgpu');
    const missing = path.join(tempDir, 'no-such-icd.json');
    process.env.VK_ICD_FILENAMES = missing;
    const before = lens.shownMessages().length;
    await vscode.commands.executeCommand('layerLens.restartEngine');
    // The wait's limit is a hang guard: a fallback that waits on a driver that never loads would never come.
    const status = await waitFor('the engine to start without webgpu', async () => {
      const s = await lens.backendStatus();
      return s.active !== 'webgpu' && s;
    }, 30_000);
    assert.ok(['wasm', 'cpu'].includes(status.active), status.active);
    assert.equal(status.adapter, undefined);
    const sentence = status.notHonoured ?? '';
    assert.match(sentence, /^Backend webgpu could not be used \(.+\); (wasm|cpu)\b.* runs instead\.$/);
    assert.ok(sentence.includes(missing), `the sentence does not name the missing driver file: ${sentence}`);
    // Words a user acts on, not the Vulkan loader's or Dawn's own lines.
    assert.doesNotMatch(sentence, /vkCreateInstance|VK_ERROR|loader_get_json|\.cpp|Warning:|\n|\bat \w+ \(/, sentence);
    await waitFor(`the bar to warn (now "${lens.statusBarText()}")`, () => lens.statusBarText().startsWith('$(warning) Layer Lens: ') && lens.statusBarText().endsWith('(webgpu unavailable)'));
    assert.ok(lens.statusBarTooltip().split('\n').includes(sentence), lens.statusBarTooltip());
    const shown = await waitFor('the restart message', () => lens.shownMessages().slice(before).find((m) => m.startsWith('Layer Lens engine restarted')));
    assert.ok(shown.endsWith(sentence), shown);
    assert.ok(lens.shownMessages().slice(before).every((m) => !/vkCreateInstance|VK_ERROR|loader_get_json|Dawn/.test(m)), JSON.stringify(lens.shownMessages().slice(before)));
    const stillWorks = await lens.engineRequest('featureMaps.open', { modelPath: sampleModelPath(), imagePath: imagePath() });
    assert.equal(stillWorks.predictions[0]?.classIndex, 3);
  });
});
