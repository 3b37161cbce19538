#!/usr/bin/env python3
"""Compares fixtures made on another machine (another torch) with the repo's: the index.json prepare.py wrote
against the one of .cache/fixtures/<key>/ (20 KB, so it travels where the 350 MB of fixtures cannot), and the
same for the attribution references' index.json. The graphs must be the same (op counts, shapes, files) and the
float64 references the same numbers to 1e-5 (absmax of the output and of every module kept, top classes, IG sums).

Usage: compareIndex.py --fixtures NEW/index.json --reference REF/index.json
                      [--attribution NEW/index.json --attribution-reference REF/index.json] [--json FILE]

Prints one line per network and a summary line starting with "compareIndex:"; exits 1 when anything differs.
--json FILE also writes {"same": bool, "differ": n, "summary": "...", "lines": [...]} (the GPU kit's table reads it).
"""
import argparse
import json
import math
import sys

REL = 1e-5


def close(a, b):
    return math.isclose(a, b, rel_tol=REL, abs_tol=1e-12)


def compare_model(name, new, ref):
    """The differences between two index.json entries of one network, as short phrases."""
    diffs = []
    for key in ['onnx', 'input', 'output', 'opset', 'input_shape_nchw', 'output_shape']:
        if new.get(key) != ref.get(key):
            diffs.append(f'{key} {new.get(key)} != {ref.get(key)}')
    if new.get('ops') != ref.get('ops'):
        keys = sorted(set(new.get('ops', {})) | set(ref.get('ops', {})))
        diffs.append('ops ' + ', '.join(f'{k} {new.get("ops", {}).get(k, 0)} != {ref["ops"].get(k, 0)}'
                                         for k in keys if new.get('ops', {}).get(k) != ref.get('ops', {}).get(k)))
    if not close(new.get('output_absmax', math.nan), ref.get('output_absmax', math.nan)):
        diffs.append(f'output absmax {new.get("output_absmax")} != {ref.get("output_absmax")}')
    ni, ri = new.get('intermediates', {}), ref.get('intermediates', {})
    if sorted(ni) != sorted(ri):
        diffs.append(f'modules {sorted(ni)} != {sorted(ri)}')
    for k in sorted(set(ni) & set(ri)):
        if ni[k].get('file') != ri[k].get('file') or ni[k].get('shape_nchw') != ri[k].get('shape_nchw'):
            diffs.append(f'{k} {ni[k].get("shape_nchw")} != {ri[k].get("shape_nchw")}')
        elif not close(ni[k].get('absmax', math.nan), ri[k].get('absmax', math.nan)):
            diffs.append(f'{k} absmax {ni[k].get("absmax")} != {ri[k].get("absmax")}')
    if new.get('gradient') != ref.get('gradient'):
        diffs.append(f'gradient {new.get("gradient")} != {ref.get("gradient")}')
    return diffs


def compare_fixtures(new, ref):
    lines, bad = [], 0
    missing = sorted(set(ref['models']) - set(new['models']))
    extra = sorted(set(new['models']) - set(ref['models']))
    for name in ref['models']:
        if name not in new['models']:
            continue
        diffs = compare_model(name, new['models'][name], ref['models'][name])
        bad += bool(diffs)
        n = sum(new['models'][name].get('ops', {}).values())
        lines.append(f'{name}: ' + ('; '.join(diffs) if diffs else f'same graph ({n} nodes), shapes and references'))
    if extra:
        bad += 1
        lines.append(f'not in the reference: {", ".join(extra)}')
    return lines, bad, missing


def compare_attribution(new, ref):
    diffs = []
    if sorted(new.get('maps', {})) != sorted(ref.get('maps', {})):
        diffs.append(f'maps {sorted(new.get("maps", {}))} != {sorted(ref.get("maps", {}))}')
    if new.get('top_class') != ref.get('top_class'):
        diffs.append(f'top classes {new.get("top_class")} != {ref.get("top_class")}')
    for net, r in ref.get('ig', {}).items():
        n = new.get('ig', {}).get(net, {})
        for k in ['sum', 'delta']:
            if not close(n.get(k, math.nan), r[k]):
                diffs.append(f'{net} IG {k} {n.get(k)} != {r[k]}')
    return diffs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--fixtures', required=True)
    ap.add_argument('--reference', required=True)
    ap.add_argument('--attribution')
    ap.add_argument('--attribution-reference')
    ap.add_argument('--json')
    a = ap.parse_args()
    docs = {}
    for opt in ['fixtures', 'reference', 'attribution', 'attribution_reference']:
        path = getattr(a, opt)
        if path is None:
            continue
        try:
            with open(path) as f:
                docs[opt] = json.load(f)
        except (OSError, ValueError) as e:
            raise SystemExit(f'compareIndex: cannot read --{opt.replace("_", "-")} {path}: {e}')
    lines, bad, missing = compare_fixtures(docs['fixtures'], docs['reference'])
    for line in lines:
        print(f'compareIndex: {line}')
    lines = list(lines)
    summary = [f'{len(lines) - bad} of {len(lines)} fixtures the same as the reference '
               f'({docs["reference"].get("made_with", "?").split(",")[0]} there, {docs["fixtures"].get("made_with", "?").split(",")[0]} here)']
    if missing:
        summary.append(f'{len(missing)} not made here ({", ".join(missing)})')
    if 'attribution' in docs and 'attribution_reference' in docs:
        diffs = compare_attribution(docs['attribution'], docs['attribution_reference'])
        line = f'attribution references: {"; ".join(diffs) if diffs else "same maps, top classes and IG sums"}'
        print(f'compareIndex: {line}')
        lines.append(line)
        bad += bool(diffs)
    summary_line = f'{"; ".join(summary)}{"" if bad == 0 else f"; {bad} differ"}'
    print(f'compareIndex: {summary_line}')
    if a.json:
        with open(a.json, 'w') as f:
            json.dump({'same': bad == 0, 'differ': bad, 'summary': summary_line, 'lines': lines}, f, indent=1)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
