// The table of panel kinds: for each, what VS Code knows it by (the view type its serializer is registered under,
// which package.json's `onWebviewPanel:` activation events list), the tab title it opens with, and how it comes
// back after a window reload. The extension registers every serializer from this table in one loop, and the test
// API finds a kind's current panel through it. A new kind is one row here (its webview bundle is
// dist/webview/<kind>.js, named by the kind its class passes to PanelBase).
//
// The panel classes import this file (for their view type) and this file names the classes: the rows refer to
// them only inside functions, and PanelBase does not import this file, so the cycle is safe at load time.
import * as vscode from 'vscode';
import type { PanelKind } from '../api';
import { ActmaxPanel, type ActmaxDeps } from './actmaxPanel';
import { FeatureMapsPanel, type FeatureMapsDeps } from './featureMapsPanel';
import { KernelsPanel, type KernelsDeps } from './kernelsPanel';
import { PanelBase } from './panelBase';
import { TopkPanel, type TopkDeps } from './topkPanel';
import { UnitPanel, type UnitDeps } from './unitPanel';
import { webviewOptions } from './webviewHtml';

/** What every panel kind may need: the union of the kinds' dependencies. */
export type PanelKindDeps = KernelsDeps & FeatureMapsDeps & ActmaxDeps & TopkDeps & UnitDeps;

export interface PanelKindRow<P> {
  /** The webview panel's view type: the serializer's key and the `onWebviewPanel:` activation event. */
  viewType: string;
  /** The tab's title until the panel names what it shows. */
  title: string;
  /** Re-creates the panel after a window reload from the state its webview saved (checked by the panel). */
  revive(panel: vscode.WebviewPanel, deps: PanelKindDeps, saved: unknown): P;
}

export const PANEL_KINDS = {
  kernels: { viewType: 'layerLens.kernels', title: 'Kernels', revive: (panel, deps, saved) => KernelsPanel.revive(panel, deps, saved) },
  featureMaps: { viewType: 'layerLens.featureMaps', title: 'Feature Maps', revive: (panel, deps, saved) => FeatureMapsPanel.revive(panel, deps, saved) },
  actmax: { viewType: 'layerLens.actmax', title: 'Activation Maximization', revive: (panel, deps, saved) => ActmaxPanel.revive(panel, deps, saved) },
  topk: { viewType: 'layerLens.topk', title: 'Top Images', revive: (panel, deps, saved) => TopkPanel.revive(panel, deps, saved) },
  unit: { viewType: 'layerLens.unit', title: 'Unit', revive: (panel, deps, saved) => UnitPanel.revive(panel, deps, saved) },
} satisfies { [K in PanelKind]: PanelKindRow<PanelBase<{ type: string }, { type: string }>> };

/** The panel class of a kind, as its row's revive() returns it. */
export type PanelOf<K extends PanelKind> = ReturnType<(typeof PANEL_KINDS)[K]['revive']>;

/** A new webview panel of the kind, in the active column, with the options every panel uses. */
export function createPanelWebview(kind: PanelKind, extensionUri: vscode.Uri): vscode.WebviewPanel {
  const row = PANEL_KINDS[kind];
  return vscode.window.createWebviewPanel(row.viewType, row.title, vscode.ViewColumn.Active, webviewOptions(extensionUri));
}

/** The panel of the kind most recently opened, revealed or focused, if one is open. */
export function currentPanel<K extends PanelKind>(kind: K): PanelOf<K> | undefined {
  return PanelBase.currentOf(kind) as PanelOf<K> | undefined;
}

/** One serializer per kind: after a window reload VS Code hands each panel back with its saved state. */
export function registerPanelSerializers(deps: PanelKindDeps): vscode.Disposable[] {
  return (Object.keys(PANEL_KINDS) as PanelKind[]).map((kind) =>
    vscode.window.registerWebviewPanelSerializer(PANEL_KINDS[kind].viewType, {
      deserializeWebviewPanel: async (panel, saved) => {
        panel.webview.options = webviewOptions(deps.extensionUri);
        PANEL_KINDS[kind].revive(panel, deps, saved);
      },
    }),
  );
}
