// The few rules only this panel needs, on top of media/panel.css (the CSP allows inline styles, not scripts).
const CSS = `
.fm-side { width: 280px; flex: none; overflow-y: auto; border-left: 1px solid var(--vscode-panel-border); padding-left: 12px; }
.fm-side h3 { font-size: 1em; margin: 12px 0 4px; }
.fm-input, .fm-detail-canvas { image-rendering: pixelated; width: 100%; height: auto; border: 1px solid var(--vscode-panel-border); }
.fm-input { max-width: 128px; }
.fm-detail-canvas { max-width: 256px; }
.fm-caption { opacity: 0.8; font-size: 0.9em; margin: 4px 0; }
#predictions { padding-left: 1.5em; margin: 4px 0; }
#predictions li { margin: 2px 0; }
.fm-label { display: block; }
.fm-bar { display: block; height: 4px; background: var(--vscode-progressBar-background); }
.fm-detail { border-bottom: 1px solid var(--vscode-panel-border); margin-bottom: 8px; padding: 8px 0; }
.fm-buttons { display: flex; gap: 8px; }
.fm-jump { width: 6em; }
#layer { width: 20em; }
#colormap, #normalize, #sort { width: 9em; }
`;

export function addPanelStyles(): void {
  const style = document.createElement('style');
  style.textContent = CSS;
  document.head.append(style);
}
