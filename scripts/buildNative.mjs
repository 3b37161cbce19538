// Builds the native kernels addon (native/*.cc → dist/layer_lens_kernels.node) with the system C++ compiler
// and Node-API's headers from the node-api-headers package, so no node-gyp, Python or header download is
// involved. Optional by design: without a compiler the build goes on and the engine keeps TF.js's own
// kernels (the status bar says which). Skipped when the binary is newer than every source.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

export async function buildNative({ outDir = join(root, 'dist'), force = false } = {}) {
  const srcDir = join(root, 'native');
  const out = join(outDir, 'layer_lens_kernels.node');
  const files = readdirSync(srcDir).filter((f) => /\.(cc|h)$/.test(f));
  const sources = files.filter((f) => f.endsWith('.cc')).map((f) => join(srcDir, f));
  const newest = Math.max(...files.map((f) => statSync(join(srcDir, f)).mtimeMs), statSync(new URL(import.meta.url).pathname).mtimeMs);
  if (!force && existsSync(out) && statSync(out).mtimeMs > newest) return { ok: true, path: out, skipped: true };
  if (process.platform === 'win32') return { ok: false, reason: 'building on Windows needs MSVC, which this script does not drive' };
  const headers = join(dirname(createRequire(import.meta.url).resolve('node-api-headers/package.json')), 'include');
  mkdirSync(outDir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const cxx = process.env.CXX || 'c++';
  const args = [
    '-O3', '-std=c++17', '-shared', '-fPIC', '-pthread', '-fvisibility=hidden',
    '-DNODE_GYP_MODULE_NAME=layer_lens_kernels', `-I${headers}`,
    ...(process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : []),
    ...sources, '-o', tmp,
  ];
  const { code, output } = await run(cxx, args);
  if (code !== 0) {
    rmSync(tmp, { force: true });
    return { ok: false, reason: `${cxx} failed: ${output.trim().split('\n').slice(0, 3).join(' ') || `exit ${code}`}` };
  }
  renameSync(tmp, out);
  return { ok: true, path: out, skipped: false };
}

function run(cmd, args) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(cmd, args, { cwd: root });
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (e) => resolve({ code: -1, output: e.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const result = await buildNative({ force: process.argv.includes('--force') });
  console.log(result.ok ? `native kernels: ${result.path}${result.skipped ? ' (up to date)' : ''}` : `native kernels not built: ${result.reason}`);
}
