// The few rules only this panel needs, on top of media/panel.css (the CSP allows inline styles, not scripts).
const CSS = `
.am-advanced { padding: 4px 0 8px; border-bottom: 1px solid var(--vscode-panel-border); }
.am-advanced summary { cursor: pointer; padding: 2px 0; }
.am-fields { display: flex; flex-wrap: wrap; gap: 6px 14px; padding-top: 6px; }
.am-fields vscode-textfield { width: 6.5em; }
#units { width: 9em; }
#layer { width: 18em; }
#objective { width: 13em; }
#preset { width: 22em; }
.am-live { display: flex; gap: 16px; padding-top: 8px; flex-wrap: wrap; }
.am-main { image-rendering: pixelated; width: 320px; height: auto; border: 1px solid var(--vscode-panel-border); }
.am-side { display: flex; flex-direction: column; gap: 8px; min-width: 280px; }
.am-caption { font-family: var(--vscode-editor-font-family); font-size: 0.9em; opacity: 0.9; }
.am-units, .am-strip { display: flex; flex-wrap: wrap; gap: 4px; }
.am-units canvas, .am-strip canvas { image-rendering: pixelated; width: 56px; height: 56px; border: 1px solid transparent; cursor: pointer; }
.am-units canvas.selected { border-color: var(--vscode-focusBorder); }
.am-strip figure { margin: 0; display: flex; flex-direction: column; align-items: center; font-size: 0.8em; opacity: 0.85; }
.am-curve { width: 280px; height: 120px; }
.am-progress { height: 4px; background: var(--vscode-progressBar-background); width: 0; transition: width 0.1s; }
.am-atlas { height: calc(100vh - 190px); }
.am-atlas .grid-canvas { image-rendering: auto; }
`;

export function addPanelStyles(): void {
  const style = document.createElement('style');
  style.textContent = CSS;
  document.head.append(style);
}
