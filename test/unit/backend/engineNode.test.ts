// Which Node the host starts the engine with: a real Node (layerLens.nodePath, then PATH, version 20 or later)
// when the GPU path is wanted under Electron; the reasons when none is found. The "node" binaries here are small
// shell scripts answering --version, found on a real PATH search and really run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { chooseEngineNode } from '../../../src/host/engine/engineNode';

const root = mkdtempSync(join(tmpdir(), 'll-engine-node-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A folder holding an executable `node` that prints `version`. */
function nodeDir(name: string, version: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, 'node');
  writeFileSync(exe, `#!/bin/sh\necho ${version}\n`);
  chmodSync(exe, 0o755);
  return dir;
}

const old = nodeDir('old', 'v18.19.0');
const good = nodeDir('good', 'v22.3.0');
const empty = join(root, 'empty');
mkdirSync(empty);
const electron = { electron: '30.1.2', hostVersion: 'v20.14.0' };

test('without the GPU path the engine runs where it always has', () => {
  const c = chooseEngineNode({ wantGpu: false, ...electron, pathEnv: good });
  assert.equal(c.execPath, undefined);
  assert.equal(c.webgpuUnavailable, undefined);
  assert.equal(c.summary, "Engine runs on VS Code's Electron 30.1.2 (Node v20.14.0).");
});

test('under Electron the first node on PATH at version 20 or later runs the engine; an older one is passed over and named', () => {
  const c = chooseEngineNode({ wantGpu: true, ...electron, pathEnv: [empty, old, good].join(':') });
  assert.equal(c.execPath, join(good, 'node'));
  assert.equal(c.summary, `Engine runs on ${join(good, 'node')} (node on PATH) for WebGPU. Not used: ${join(old, 'node')} is Node v18.19.0, older than 20.`);
});

test('layerLens.nodePath comes before PATH', () => {
  const c = chooseEngineNode({ wantGpu: true, ...electron, nodePath: join(good, 'node'), pathEnv: old });
  assert.equal(c.execPath, join(good, 'node'));
  assert.match(c.summary, /\(layerLens\.nodePath\)\.$/);
});

test('no usable Node under Electron: Electron runs the engine and WebGPU gets the reason, naming what was refused', () => {
  const c = chooseEngineNode({ wantGpu: true, ...electron, nodePath: join(root, 'missing', 'node'), pathEnv: [empty, old].join(':') });
  assert.equal(c.execPath, undefined);
  assert.equal(
    c.webgpuUnavailable,
    `the engine runs on VS Code's Electron 30.1.2 (Node v20.14.0), where Dawn cannot load (layerLens.nodePath ${join(root, 'missing', 'node')} was not found; ${join(old, 'node')} is Node v18.19.0, older than 20); set layerLens.nodePath to a Node 20 or later`,
  );
  const bare = chooseEngineNode({ wantGpu: true, ...electron, pathEnv: empty });
  assert.match(bare.webgpuUnavailable ?? '', /\(no node on PATH and layerLens\.nodePath is not set\)/);
});

test('VS Code Server already runs a real Node: no search; a bad nodePath is still said', () => {
  const server = chooseEngineNode({ wantGpu: true, hostVersion: 'v20.14.0', pathEnv: good });
  assert.equal(server.execPath, undefined);
  assert.equal(server.summary, "Engine runs on the extension host's Node v20.14.0.");
  const bad = chooseEngineNode({ wantGpu: true, hostVersion: 'v20.14.0', nodePath: join(old, 'node') });
  assert.equal(bad.execPath, undefined);
  assert.equal(bad.webgpuUnavailable, undefined);
  assert.equal(bad.summary, `Engine runs on the extension host's Node v20.14.0. Not used: layerLens.nodePath ${join(old, 'node')} is Node v18.19.0, older than 20.`);
});
