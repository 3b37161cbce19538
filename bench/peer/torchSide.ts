// The PyTorch side of `npm run bench:peer`: makes sure Debian's torch is there, runs torchPeer.py for one task
// and returns the JSON lines it printed. The interpreter is /usr/bin/python3 (Debian's torch lives there,
// not in a pyenv or venv on PATH).
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const PYTHON = process.env.LAYER_LENS_PYTHON ?? '/usr/bin/python3';

export interface TorchResult {
  task: string;
  ms: number;
  macs?: number;
  note?: string;
  [key: string]: unknown;
}

function torchImports(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch, torchvision, PIL'], { stdio: 'ignore' }).status === 0;
}

/** Installs python3-torch (and friends) with apt when the import fails; throws with the reason when that fails too. */
export function ensureTorch(repoRoot: string): void {
  if (torchImports()) return;
  process.stdout.write('PyTorch is missing: installing Debian python3-torch with scripts/installTorch.sh (~660 MB)…\n');
  execFileSync('bash', [join(repoRoot, 'scripts/installTorch.sh')], { stdio: 'inherit' });
  if (!torchImports()) throw new Error(`${PYTHON} still cannot import torch after scripts/installTorch.sh.`);
}

export function runTorch(repoRoot: string, args: string[]): TorchResult[] {
  const script = join(repoRoot, 'bench/peer/torchPeer.py');
  const r = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`torchPeer.py ${args.join(' ')} failed (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as TorchResult);
}

export function pick(results: TorchResult[], task: string): TorchResult {
  const r = results.find((x) => x.task === task);
  if (!r) throw new Error(`torchPeer.py printed no "${task}" result.`);
  return r;
}
