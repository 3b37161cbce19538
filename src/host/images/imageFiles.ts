// Which files the feature maps command takes as images. Pure (no vscode): unit-tested.

/** Extensions Layer Lens decodes; the manifest's menus use the same list (`resourceExtname =~ ...`). */
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp'] as const;

const IMAGE_RE = /\.(png|jpe?g|webp|gif|bmp)$/i;

export function isImagePath(p: string): boolean {
  return IMAGE_RE.test(p);
}

/** VS Code's built-in image preview: its tabs are TabInputCustom with this view type. */
export const IMAGE_PREVIEW_VIEW_TYPE = 'imagePreview.previewEditor';
