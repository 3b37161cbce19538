// The HTML every panel's webview loads, as plain text (no vscode import, so tests can load it in a browser).
// Its policy: nothing but our own built script (with this load's nonce), our own built stylesheet, and images
// from our own folders or the canvases we draw. No inline <style> or style="" is needed, so none is allowed;
// the @vscode-elements controls style their shadow roots through constructable stylesheets (adoptedStyleSheets),
// which the style-src policy does not govern, and the panels' scripts set sizes through element.style (CSSOM).

export interface PanelDocumentParts {
  /** The webview's own origin for local resources (`webview.cspSource`). */
  cspSource: string;
  /** A fresh random value per load; only a script carrying it runs. */
  nonce: string;
  /** The panel's bundle (dist/webview/<panel>.js) as a webview URI. */
  scriptUri: string;
  /** The panel's stylesheet (dist/webview/<panel>.css) as a webview URI. */
  styleUri: string;
  title: string;
}

export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function panelDocument(p: PanelDocumentParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${panelCsp(p.cspSource, p.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(p.styleUri)}">
<title>${escapeHtml(p.title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${p.nonce}" src="${escapeHtml(p.scriptUri)}"></script>
</body>
</html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
