// The Unit panel's page settings: the header's preset, seeds and k over VS Code's settings (`layerLens.unitPage.*`:
// steps and diversity), held to the engine's bounds.
import * as vscode from 'vscode';
import { UNIT_PAGE_DEFAULTS, UNIT_PAGE_LIMITS, UNIT_PANEL_DEFAULTS, type UnitPageSettings, type UnitPanelSettings } from '../../shared/unitProtocol';

function whole(value: unknown, [lo, hi]: readonly [number, number], fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(lo, Math.min(hi, Math.round(value))) : fallback;
}

export function unitPageSettings(panel: UnitPanelSettings = UNIT_PANEL_DEFAULTS): UnitPageSettings {
  const config = vscode.workspace.getConfiguration('layerLens.unitPage');
  const diversity = whole(config.get('diversity'), UNIT_PAGE_LIMITS.diversity, UNIT_PAGE_DEFAULTS.diversity);
  return {
    ...UNIT_PAGE_DEFAULTS,
    ...panel,
    steps: whole(config.get('steps'), UNIT_PAGE_LIMITS.steps, UNIT_PAGE_DEFAULTS.steps),
    // One image has nothing to be diverse from: 1 means none.
    diversity: diversity === 1 ? 0 : diversity,
  };
}
