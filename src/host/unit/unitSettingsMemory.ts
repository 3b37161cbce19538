// The Unit panel header's last settings in this workspace, which a new Unit panel starts from: kept in the
// workspace state, so a later VS Code session has them too. No vscode here (a Memento is passed in): unit tests
// use it in plain Node.
import { parseUnitPanelSettings, UNIT_PANEL_DEFAULTS, type UnitPanelSettings } from '../../shared/unitProtocol';

/** The part of vscode.Memento used here. */
export interface SettingsStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** The panel settings in a saved or posted value, or the sentence that refuses it. */
export function checkPanelSettings(value: unknown): UnitPanelSettings | string {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return parseUnitPanelSettings({ preset: v.preset, seeds: v.seeds, k: v.k });
}

/** The panel settings in a saved or posted value, or undefined when it holds none that pass the checks. */
export function panelSettingsIn(value: unknown): UnitPanelSettings | undefined {
  const checked = checkPanelSettings(value);
  return typeof checked === 'string' ? undefined : checked;
}

const LAST_KEY = 'layerLens.unitPanel.lastSettings';

export class UnitSettingsMemory {
  constructor(private readonly store: SettingsStore) {}

  /** The last settings chosen in this workspace, or the defaults (lucid, 2 seeds, k 5) before any. */
  get(): UnitPanelSettings {
    return panelSettingsIn(this.store.get(LAST_KEY)) ?? { ...UNIT_PANEL_DEFAULTS };
  }

  async set(settings: UnitPanelSettings): Promise<void> {
    await this.store.update(LAST_KEY, { preset: settings.preset, seeds: settings.seeds, k: settings.k });
  }
}
