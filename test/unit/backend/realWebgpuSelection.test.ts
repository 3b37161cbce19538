// The real Dawn probe on a machine whose only WebGPU adapter is SwiftShader (software Vulkan from Debian's chromium):
// `auto` must pass it over with the reason and run wasm; an explicit `webgpu` runs on it and says it is software.
// One child process (the Vulkan loader's path is read at process start).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BackendStatus } from '../../../src/shared/backend';
import { repoRoot } from '../../helpers/paths';
import { swiftshaderEnv } from '../../helpers/swiftshader';

test('SwiftShader is never chosen by auto; an explicit webgpu runs on it, labelled software', { timeout: 90_000 }, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/unit/backend/selectionChild.ts')], {
    cwd: repoRoot, env: swiftshaderEnv(), encoding: 'utf8', timeout: 80_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const [auto, webgpu] = r.stdout.split('\n').filter((l) => l.startsWith('STATUS ')).map((l) => JSON.parse(l.slice(7)) as BackendStatus);
  assert.ok(auto && webgpu, r.stdout);

  assert.equal(auto.active, 'wasm');
  assert.equal(auto.adapter, undefined);
  const skipped = auto.attempts.find((a) => a.backend === 'webgpu');
  assert.equal(skipped?.ok, false);
  assert.match(skipped?.reason ?? '', /^only a software adapter \(google swiftshader\), which auto never picks/);

  assert.equal(webgpu.active, 'webgpu', JSON.stringify(webgpu.attempts));
  assert.deepEqual(webgpu.adapter, { vendor: 'google', architecture: 'swiftshader', software: true });
  assert.equal(webgpu.detail, 'webgpu (google swiftshader, software)');
  assert.equal(webgpu.kernels, undefined);
  assert.equal(webgpu.notHonoured, undefined);
});
