// One model identity for every cache: the engine/CLI reader (core/node) and the host's (actmax caches) agree, and the
// identity follows the contents of the model file, its weight shards, its sidecar and the sidecar's labels file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelIdentityOfFile } from '../../../src/core/node/modelIdentityFile';
import { modelStamp } from '../../../src/host/actmax/resultCache';
import { sampleModelDir } from '../../helpers/paths';

function copyOfSample(): { dir: string; model: string } {
  const dir = mkdtempSync(join(tmpdir(), 'model-identity-'));
  cpSync(sampleModelDir, join(dir, 'm'), { recursive: true });
  return { dir, model: join(dir, 'm', 'model.json') };
}

test('engine and host compute the same identity; a copy elsewhere has it too; touching a file keeps it', async () => {
  const a = copyOfSample();
  const b = copyOfSample();
  try {
    const id = await modelIdentityOfFile(a.model);
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal(await modelStamp(a.model), id);
    assert.equal(await modelIdentityOfFile(b.model), id);
    const later = new Date(Date.now() + 5000);
    utimesSync(a.model, later, later);
    assert.equal(await modelIdentityOfFile(a.model), id);
  } finally {
    rmSync(a.dir, { recursive: true, force: true });
    rmSync(b.dir, { recursive: true, force: true });
  }
});

test('new weights, an edited sidecar and an edited labels file each give a new identity, in both readers', async () => {
  const { dir, model } = copyOfSample();
  try {
    const seen = new Set<string>();
    const both = async (): Promise<string> => {
      const id = await modelIdentityOfFile(model);
      assert.equal(await modelStamp(model), id, 'host and engine agree');
      return id;
    };
    seen.add(await both());
    const weights = join(dir, 'm', 'weights.bin');
    const bytes = readFileSync(weights);
    bytes[10] ^= 0xff; // same size: only the contents differ
    writeFileSync(weights, bytes);
    seen.add(await both());
    const sidecar = join(dir, 'm', 'model.layerlens.json');
    const json = JSON.parse(readFileSync(sidecar, 'utf8')) as Record<string, unknown>;
    writeFileSync(sidecar, JSON.stringify({ ...json, labelsFile: 'classes.txt', labels: undefined }));
    writeFileSync(join(dir, 'm', 'classes.txt'), 'zero\none\n');
    seen.add(await both());
    writeFileSync(join(dir, 'm', 'classes.txt'), 'nought\none\n');
    seen.add(await both());
    assert.equal(seen.size, 4, 'each change gave a new identity');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
