// The one HTML shell every panel uses (src/host/panels/panelDocument.ts): strict CSP with a nonce, only our own
// built script and stylesheet, both from dist/webview (esbuild writes <panel>.css beside <panel>.js).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { panelDocument } from './panelDocument';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, script: string, title: string): string {
  const built = (file: string): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  return panelDocument({
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: built(`${script}.js`),
    styleUri: built(`${script}.css`),
    title,
  });
}
