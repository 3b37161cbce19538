// Keeps the room rules of .dependency-cruiser.cjs honest: `npm run lint`, run over a throwaway tree with one
// forbidden import per rule (and the allowed imports beside them), must fail naming exactly those rules and files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../helpers/paths';

/** Files of the throwaway tree: path → source. */
const files: Record<string, string> = {
  'src/shared/protocol.ts': `import { fromByteArray } from 'base64-js';\nimport type { Ok } from './ok';\nexport const f = fromByteArray;\nexport type P = Ok;\n`,
  'src/shared/ok.ts': `export type Ok = number;\n`,
  'src/shared/bad.ts': `import { join } from 'node:path';\nexport const j = join;\n`,
  'src/core/node/io.ts': `import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\nexport type Bytes = Uint8Array;\n`,
  'src/core/model/typeOnly.ts': `import type { Bytes } from '../node/io';\nimport * as tf from '@tensorflow/tfjs-core';\nexport type B = Bytes;\nexport const t = tf;\n`,
  'src/core/model/bad.ts': [
    `import { readFileSync } from 'fs';`,
    `import * as vscode from 'vscode';`,
    `import { read } from '../node/io';`,
    `import { h } from '../../host/ok';`,
    `export const all = [readFileSync, vscode, read, h];`,
  ].join('\n'),
  'src/engine/ok.ts': `import { readFileSync } from 'node:fs';\nimport { t } from '../core/model/typeOnly';\nexport const e = [readFileSync, t];\n`,
  'src/engine/bad.ts': `import * as vscode from 'vscode';\nimport { h } from '../host/ok';\nexport const all = [vscode, h];\n`,
  'src/host/ok.ts': `import * as vscode from 'vscode';\nimport { join } from 'node:path';\nimport type { P } from '../shared/protocol';\nexport const h = [vscode, join];\nexport type Q = P;\n`,
  'src/host/bad.ts': `import * as tf from '@tensorflow/tfjs-core';\nimport { t } from '../core/model/typeOnly';\nimport { e } from '../engine/ok';\nexport const all = [tf, t, e];\n`,
  'src/cli/ok.ts': `import { t } from '../core/model/typeOnly';\nimport { writeFileSync } from 'node:fs';\nexport const c = [t, writeFileSync];\n`,
  'src/cli/bad.ts': `import * as vscode from 'vscode';\nimport { e } from '../engine/ok';\nexport const all = [vscode, e];\n`,
  'webview/src/ok.ts': `import '@vscode-elements/elements/dist/vscode-button/index.js';\nimport { f } from '../../src/shared/protocol';\nimport './panel.css';\nexport const w = f;\n`,
  'webview/src/panel.css': `body { margin: 0; }\n`,
  'webview/src/bad.ts': `import { t } from '../../src/core/model/typeOnly';\nimport * as tf from '@tensorflow/tfjs-core';\nexport const all = [t, tf];\n`,
};

/** Every violation the tree must produce, as "rule: from → to-prefix". */
const expected = [
  'shared-imports-only-shared: src/shared/bad.ts → path',
  'core-node-builtins-only-in-core-node: src/core/model/bad.ts → fs',
  'core-no-vscode: src/core/model/bad.ts → node_modules/@types/vscode/',
  'core-not-through-core-node: src/core/model/bad.ts → src/core/node/io.ts',
  'core-imports-no-other-room: src/core/model/bad.ts → src/host/ok.ts',
  'engine-no-vscode: src/engine/bad.ts → node_modules/@types/vscode/',
  'engine-imports-no-upper-room: src/engine/bad.ts → src/host/ok.ts',
  'host-no-tfjs: src/host/bad.ts → node_modules/@tensorflow/',
  'host-no-core-or-engine: src/host/bad.ts → src/core/model/typeOnly.ts',
  'host-no-core-or-engine: src/host/bad.ts → src/engine/ok.ts',
  'cli-no-vscode: src/cli/bad.ts → node_modules/@types/vscode/',
  'cli-imports-no-host-or-engine: src/cli/bad.ts → src/engine/ok.ts',
  'webview-imports-shared-and-elements-only: webview/src/bad.ts → src/core/model/typeOnly.ts',
  'webview-imports-shared-and-elements-only: webview/src/bad.ts → node_modules/@tensorflow/',
];

let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'layer-lens-lint-'));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const f of ['.dependency-cruiser.cjs', 'tsconfig.json', 'package.json']) copyFileSync(join(repoRoot, f), join(dir, f));
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the project's own `lint` script (as `npm run lint` would) in `cwd`. */
function lint(cwd: string): { status: number | null; output: string } {
  const script = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['lint'];
  assert.ok(script, 'package.json has no "lint" script');
  const env = { ...process.env, PATH: `${join(repoRoot, 'node_modules/.bin')}:${process.env['PATH'] ?? ''}` };
  const r = spawnSync('sh', ['-c', script], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test('npm test runs the lint step', () => {
  const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.match(scripts['test'] ?? '', /npm run lint &&/);
});

test('lint fails on a forbidden import in every room, naming the rule, and only on those', () => {
  const { status, output } = lint(dir);
  assert.notEqual(status, 0, `lint passed on forbidden imports:\n${output}`);
  const found = [...output.matchAll(/error (\S+): (\S+) → (\S+)/g)].map(([, rule, from, to]) => ({ rule, from, to: to!.replace(/^.*?(?=node_modules\/)/, '') }));
  const unmatched = found.filter((v) => !expected.some((e) => e === `${v.rule}: ${v.from} → ${v.to}` || `${v.rule}: ${v.from} → ${v.to}`.startsWith(e)));
  assert.deepEqual(unmatched, [], `violations the tree should not have:\n${output}`);
  for (const e of expected) {
    assert.ok(found.some((v) => `${v.rule}: ${v.from} → ${v.to}`.startsWith(e)), `lint did not report "${e}":\n${output}`);
  }
});

test('the repository itself passes lint', () => {
  const { status, output } = lint(repoRoot);
  assert.equal(status, 0, output);
  assert.match(output, /no dependency violations found/);
});
