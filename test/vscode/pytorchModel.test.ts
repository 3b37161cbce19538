// A PyTorch file opened in VS Code: the user's Python (here /usr/bin/python3 with Debian's python3-torch, named by
// layerLens.pythonPath) reads it; a TorchScript is converted to ONNX at the input shape the user confirms, into
// extension storage, and opens under the .pt's own name with PyTorch's module names; opening it again takes the
// cached ONNX without running Python; a state dict gets one sentence and a snippet to copy. The fixtures are
// written by the test's own Python: a tiny conv net (conv1, block.conv, fc) traced to TorchScript, and its state dict;
// "Open a torchvision Model…" exports squeezenet1_0 with random weights (offline) and opens it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, sampleModelPath, waitFor, workspaceDir } from './helpers';

const PYTHON = '/usr/bin/python3';

const WRITE_FIXTURES = `
import sys, torch, torch.nn as nn
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 3, padding=1)
        self.relu = nn.ReLU()
    def forward(self, x):
        return self.relu(self.conv(x))
class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.block = Block()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 4)
    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.block(torch.relu(self.conv1(x)))), 1))
net = TinyNet().eval()  # random weights: new contents, so a first open converts whatever an earlier run cached
torch.jit.trace(net, torch.zeros(1, 3, 32, 32)).save(sys.argv[1])
torch.save(net.state_dict(), sys.argv[2])
`;

suite('PyTorch model', () => {
  let dir: string;
  let scripted: string;
  let stateDict: string;
  let previousPython: string | undefined;

  suiteSetup(async function () {
    this.timeout(60_000);
    dir = path.join(workspaceDir(), 'pytorch-model');
    scripted = path.join(dir, 'tinynet.pt');
    stateDict = path.join(dir, 'tinynet_weights.pth');
    mkdirSync(dir, { recursive: true });
    const run = spawnSync(PYTHON, ['-c', WRITE_FIXTURES, scripted, stateDict], { encoding: 'utf8' });
    if (run.error || run.status !== 0) {
      throw new Error(`This suite needs ${PYTHON} with torch: install python3-torch (apt) or torch (pip). ${run.error?.message ?? run.stderr.trim().split('\n').pop()}`);
    }
    // A torchvision export from an earlier run would open without Python.
    rmSync(path.join((await api()).storageDir(), 'torchvision', 'squeezenet1_0-random'), { recursive: true, force: true });
    const config = vscode.workspace.getConfiguration('layerLens');
    previousPython = config.inspect<string>('pythonPath')?.globalValue;
    await config.update('pythonPath', PYTHON, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('layerLens').update('pythonPath', previousPython, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
    rmSync(dir, { recursive: true, force: true });
  });

  test('a .pt the workspace scan lists reads "not converted yet", and its row offers the conversion', async function () {
    this.timeout(60_000);
    const lens = await api();
    const runsBefore = lens.pythonRuns();
    const row = await waitFor('the .pt listed as not converted', async () => {
      const r = await lens.layersViewModel(scripted);
      return r?.description === 'not converted yet' && r;
    }, 30_000);
    assert.equal(row.icon, 'sync');
    const sentence = row.children.join(' ');
    assert.ok(sentence.startsWith('tinynet.pt is a PyTorch file not yet converted to ONNX: click here'), sentence);
    assert.equal(lens.pythonRuns() - runsBefore, 0, 'listing a .pt runs no Python');
  });

  test('a TorchScript .pt opens at the confirmed input shape, named as the file, with its module names', async function () {
    this.timeout(90_000);
    const lens = await api();
    const runsBefore = lens.pythonRuns();
    lens.answerPrompts(['1,3,32,32']);
    await vscode.commands.executeCommand('layerLens.openInLayerLens', vscode.Uri.file(scripted));
    const model = await waitFor('the .pt as the active model', async () => {
      const m = await lens.activeModel();
      return m && m.path === scripted && m;
    }, 60_000).catch((err: Error) => {
      throw new Error(`${err.message} Messages: ${JSON.stringify(lens.shownMessages())}`);
    });
    assert.equal(lens.pythonRuns() - runsBefore, 2, 'one inspection and one conversion');
    const ids = model.layers.map((l) => l.id);
    for (const id of ['conv1', 'block', 'block.conv', 'fc']) assert.ok(ids.includes(id), `layer ${id} in ${ids.join(', ')}`);
    const labels = await lens.layersViewLabels();
    assert.ok(labels.models.includes('tinynet.pt'), `models: ${labels.models.join(', ')}`);
    for (const name of ['conv1', 'block', 'fc']) assert.ok(labels.layers.includes(name), `${name} in the Layers view: ${labels.layers.join(', ')}`);
    // The ONNX went to extension storage: the user's folder holds only what the test wrote.
    assert.deepEqual(readdirSync(dir).sort(), ['tinynet.pt', 'tinynet_weights.pth']);
  });

  test('opening the unchanged file again takes the cached ONNX: no prompt, no Python', async () => {
    const lens = await api();
    await vscode.commands.executeCommand('layerLens.selectModel', { modelPath: sampleModelPath() });
    await waitFor('the sample as the active model', async () => (await lens.activeModel())?.path === sampleModelPath());
    const runsBefore = lens.pythonRuns();
    await vscode.commands.executeCommand('layerLens.openInLayerLens', vscode.Uri.file(scripted));
    const model = await waitFor('the .pt as the active model again', async () => {
      const m = await lens.activeModel();
      return m && m.path === scripted && m;
    });
    assert.equal(lens.pythonRuns(), runsBefore, 'Python ran for a cached file');
    assert.ok(model.layers.some((l) => l.id === 'block.conv'));
  });

  test('a state dict gets one sentence and the export snippet to copy', async function () {
    this.timeout(60_000);
    const lens = await api();
    const active = (await lens.activeModel())?.path;
    lens.answerPrompts(['Copy export snippet']);
    await vscode.commands.executeCommand('layerLens.openInLayerLens', vscode.Uri.file(stateDict));
    const sentence = lens.shownMessages().at(-1) ?? '';
    assert.match(sentence, /^tinynet_weights\.pth holds only weights \(a state dict\), not the model's architecture/);
    assert.equal(sentence.match(/\.(\s|$)/g)?.length, 1, sentence);
    const snippet = await vscode.env.clipboard.readText();
    assert.match(snippet, /load_state_dict\(torch\.load\(".*tinynet_weights\.pth"/);
    assert.equal((await lens.activeModel())?.path, active, 'the active model did not change');
  });

  test('Open a torchvision Model… exports one with random weights into extension storage and opens it', async function () {
    this.timeout(120_000);
    const lens = await api();
    const runsBefore = lens.pythonRuns();
    lens.answerQuickPicks(['squeezenet1_0', 'With random weights']);
    try {
      await vscode.commands.executeCommand('layerLens.openTorchvisionModel');
    } finally {
      lens.answerQuickPicks(undefined);
    }
    assert.equal(lens.pythonRuns() - runsBefore, 1, 'one export');
    const model = await waitFor('the torchvision model as the active model', async () => {
      const m = await lens.activeModel();
      return m && m.path.endsWith(`${path.sep}squeezenet1_0.onnx`) && m;
    }, 10_000).catch((err: Error) => {
      throw new Error(`${err.message} Messages: ${JSON.stringify(lens.shownMessages())}`);
    });
    assert.ok(!model.path.startsWith(workspaceDir()), `exported into the workspace: ${model.path}`);
    assert.ok(model.layers.some((l) => l.id === 'features.0'), model.layers.map((l) => l.id).join(', '));
    // Its preprocessing sidecar lies beside it: torchvision's resize of the shorter side and center crop.
    const sidecar = JSON.parse(readFileSync(model.path.replace(/\.onnx$/, '.layerlens.json'), 'utf8')) as { description?: string; input?: { resize?: string } };
    assert.match(sidecar.description ?? '', /torchvision squeezenet1_0 .*random weights/);
    assert.equal(sidecar.input?.resize, 'shorterSideCenterCrop');
    // Again: the export in storage is opened without Python.
    const runs = lens.pythonRuns();
    lens.answerQuickPicks(['squeezenet1_0', 'With random weights']);
    try {
      await vscode.commands.executeCommand('layerLens.openTorchvisionModel');
    } finally {
      lens.answerQuickPicks(undefined);
    }
    assert.equal(lens.pythonRuns(), runs);
    assert.equal((await lens.activeModel())?.path, model.path);
  });
});
