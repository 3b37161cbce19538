// Turns a TF.js or V8 error into a short clause fit to follow our own sentence, or '' when its text would only
// confuse a user (internal property access, advice to file issues with TF.js, stack-like text). Messages we know
// (a kernel the backend lacks, an op without a gradient, running out of memory) are said in our own words.
import { knownCause } from '../../shared/foreignErrors';

const INTERNAL = /Cannot read propert|undefined|null\b|is not a function|is not iterable|Invalid typed array|Maximum call stack|tfjs|github|File an issue|NodesExecutionOrderError/i;

export function tfjsReason(e: unknown): string {
  const known = knownCause(e);
  if (known) return known;
  const text = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  const first = (text.split('\n')[0] ?? '').replace(/\s+/g, ' ').trim();
  // One clause: later sentences are advice addressed to TF.js developers.
  const clause = (first.split(/(?<=[a-z0-9)\]'"])\.\s+/i)[0] ?? '').replace(/[.\s]+$/, '');
  return clause === '' || clause.length > 160 || INTERNAL.test(clause) ? '' : clause;
}
