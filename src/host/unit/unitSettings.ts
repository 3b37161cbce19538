// The Unit panel's page settings from VS Code's settings (`layerLens.unitPage.*`), held to the engine's bounds.
import * as vscode from 'vscode';
import { UNIT_PAGE_DEFAULTS, UNIT_PAGE_LIMITS, type UnitPageSettings } from '../../shared/unitProtocol';

function whole(value: unknown, [lo, hi]: readonly [number, number], fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(lo, Math.min(hi, Math.round(value))) : fallback;
}

export function unitPageSettings(): UnitPageSettings {
  const config = vscode.workspace.getConfiguration('layerLens.unitPage');
  const diversity = whole(config.get('diversity'), UNIT_PAGE_LIMITS.diversity, UNIT_PAGE_DEFAULTS.diversity);
  return {
    ...UNIT_PAGE_DEFAULTS,
    steps: whole(config.get('steps'), UNIT_PAGE_LIMITS.steps, UNIT_PAGE_DEFAULTS.steps),
    // One image has nothing to be diverse from: 1 means none.
    diversity: diversity === 1 ? 0 : diversity,
  };
}
