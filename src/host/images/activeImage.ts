// Finds the image the user means: the one shown in VS Code's image preview (the active tab, else a visible
// one), or one picked in a file dialog.
import * as vscode from 'vscode';
import { IMAGE_EXTENSIONS, IMAGE_PREVIEW_VIEW_TYPE, isImagePath } from './imageFiles';

/** The image of the active editor tab when it is an image preview (or any tab with an image file open). */
export function activeImageUri(): vscode.Uri | undefined {
  const active = imageOfTab(vscode.window.tabGroups.activeTabGroup.activeTab);
  if (active) return active;
  // The palette or a panel may hold focus: fall back to an image preview visible in another group.
  for (const group of vscode.window.tabGroups.all) {
    const uri = imageOfTab(group.activeTab);
    if (uri) return uri;
  }
  return undefined;
}

function imageOfTab(tab: vscode.Tab | undefined): vscode.Uri | undefined {
  const input = tab?.input;
  if (input instanceof vscode.TabInputCustom && input.viewType === IMAGE_PREVIEW_VIEW_TYPE) return input.uri;
  if (input instanceof vscode.TabInputText && isImagePath(input.uri.path)) return input.uri;
  return undefined;
}

export async function pickImageUri(defaultUri?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Show Feature Maps',
    title: 'Image to run the model on',
    defaultUri,
    filters: { Images: [...IMAGE_EXTENSIONS] },
  });
  return picked?.[0];
}
