// What Layer Lens costs in a window that never uses it: run as the extension tests module of a code-server window
// (`node scripts/vscodeTest/run.mjs --no-vsix --no-typecheck --tests-path scripts/vscodeTest/idleCost.cjs`).
// After LAYER_LENS_TEST_IDLE_WAIT_MS (default 15 s, long after startup finished) it reads whether the extension
// activated, which engine processes run and their memory, and the extension host's memory and CPU time; then it
// activates the extension by hand, timing activate(), and reads the same again. The numbers are echoed as one line.
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const vscode = require('vscode');

const MB = 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Processes running this extension's dist/engine.js, with their resident memory in MB. */
function engineProcesses(extensionPath) {
  const script = join(extensionPath, 'dist', 'engine.js');
  const found = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmd.includes(script)) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      found.push({ pid: Number(pid), rssMB: rss ? Math.round(Number(rss[1]) / 1024) : undefined });
    } catch {
      // The process ended while it was being read.
    }
  }
  return found;
}

function sample(ext) {
  const cpu = process.cpuUsage();
  return {
    activated: ext.isActive,
    engines: engineProcesses(ext.extensionPath),
    extHostRssMB: Math.round(process.memoryUsage().rss / MB),
    extHostHeapMB: Math.round(process.memoryUsage().heapUsed / MB),
    extHostCpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
}

exports.run = async function run() {
  const ext = vscode.extensions.getExtension('layer-lens.layer-lens');
  if (!ext) throw new Error('layer-lens.layer-lens is not installed in this window.');
  await sleep(Number(process.env.LAYER_LENS_TEST_IDLE_WAIT_MS ?? 15000));
  const idle = sample(ext);
  const t0 = performance.now();
  if (!ext.isActive) await ext.activate();
  const activateMs = idle.activated ? undefined : Math.round(performance.now() - t0);
  await sleep(3000);
  const used = sample(ext);
  console.log(`[layer-lens-test] idle cost: ${JSON.stringify({ idle, activateMs, afterActivate: used })}`);
  const file = process.env.LAYER_LENS_TEST_RESULTS;
  if (file) writeFileSync(file, JSON.stringify({ passed: 1, failed: 0, failures: [] }));
};
