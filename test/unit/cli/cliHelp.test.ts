// `layer-lens COMMAND --help` shows that command's usage (exit 0, nothing run), and a malformed command line is one
// sentence of ours, not node's parseArgs text ("Option '--steps <value>' argument missing").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse } from '../../../src/cli/cliArgs';
import { LayerLensError } from '../../../src/shared/errors';
import { runCli } from '../../helpers/runCli';
import { sampleModelDir } from '../../helpers/paths';

const model = join(sampleModelDir, 'model.json');

test('a command answers --help (and -h, and `help NAME`) with its own usage, exit 0, as the overview lists it', () => {
  const all = runCli(['--help']);
  assert.equal(all.status, 0, all.stderr);
  // main.ts answers every command's --help the same way: a few commands stand for all (each start costs a process).
  for (const args of [['actmax', '--help'], ['topk', '-h'], ['help', 'atlas'], ['attribute', '--help'], ['report', '-h']]) {
    const name = args[0] === 'help' ? args[1]! : args[0]!;
    const r = runCli(args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr, '');
    const usageLine = r.stdout.split('\n')[0]!;
    assert.ok(usageLine.startsWith(`Usage: layer-lens ${name} --model M`), `${args.join(' ')} printed: ${r.stdout.slice(0, 300)}`);
    assert.ok(all.stdout.includes(`  ${usageLine.slice('Usage: '.length)}`), `${name}'s usage differs from layer-lens --help's`);
    assert.match(r.stdout, /Every command takes --verbose/);
  }
  // A command's longer help is kept: attribute's lists its methods, report's its staging.
  assert.match(runCli(['attribute', '--help']).stdout, /Integrated Gradients/);
  // The presets docs/atlas.md sends the reader to actmax's help for.
  assert.match(runCli(['actmax', '--help']).stdout, /presets: trial1-naive, trial2-rescale, trial3-rms, trial4-l2, trial5-rescale-l2, trial6-scharr, lucid, maco;/);
});

test("node's parseArgs errors become one sentence naming the flag", () => {
  const options = { steps: { type: 'string' as const }, json: { type: 'boolean' as const }, out: { type: 'string' as const } };
  const cases: [string[], string][] = [
    [['--foo'], '--foo is not an option of this command (--help lists them).'],
    [['--steps'], '--steps needs a value.'],
    [['--out', '--json'], '--out needs a value.'],
    [['--json=yes'], '--json takes no value.'],
    [['conv1.png'], "Unexpected argument 'conv1.png': every value follows the --option it belongs to (--help lists them)."],
  ];
  for (const [args, expected] of cases) {
    assert.throws(() => parse(args, options), (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument' && e.message === expected, args.join(' '));
  }
});

test('a malformed command line is that sentence after the command name, exit 2 (merge parses its own)', () => {
  for (const [args, expected] of [
    [['actmax', '--model', model, '--layer', 'conv2', '--unit', '0', '--out', 'x', '--foo'], 'layer-lens actmax: --foo is not an option of this command (--help lists them).'],
    [['merge', '--out', 'x', '--shard', '1/2'], 'layer-lens merge: --shard is not an option of this command (--help lists them).'],
  ] as const) {
    const r = runCli([...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim(), expected);
  }
});

