// Two VS Code colour themes as a webview sees them: the --vscode-* variables VS Code sets on the page's <html> and
// the class it puts on <body>. Only the variables the panels and @vscode-elements read, with Dark Modern's and
// Light Modern's values (VS Code 1.9x), so a panel's look can be checked in both without a running VS Code.

export interface WebviewTheme {
  name: string;
  bodyClass: string;
  vars: Record<string, string>;
}

const COMMON = {
  'font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  'font-size': '13px',
  'font-weight': 'normal',
  'editor-font-family': '"Droid Sans Mono", "monospace", monospace',
  'editor-font-size': '14px',
};

export const DARK: WebviewTheme = {
  name: 'dark',
  bodyClass: 'vscode-dark',
  vars: {
    ...COMMON,
    foreground: '#cccccc', 'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', 'panel-border': '#2b2b2b',
    focusBorder: '#0078d4', errorForeground: '#f85149', descriptionForeground: '#9d9d9d', 'textLink-foreground': '#4daafc',
    'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1', 'button-border': '#ffffff12',
    'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
    'input-background': '#313131', 'input-border': '#3c3c3c', 'input-foreground': '#cccccc', 'input-placeholderForeground': '#989898',
    'dropdown-background': '#313131', 'dropdown-border': '#3c3c3c', 'dropdown-foreground': '#cccccc', 'dropdown-listBackground': '#1f1f1f',
    'checkbox-background': '#313131', 'checkbox-border': '#3c3c3c', 'checkbox-foreground': '#cccccc',
    'list-activeSelectionBackground': '#0078d4', 'list-activeSelectionForeground': '#ffffff', 'list-hoverBackground': '#2a2d2e',
    'list-focusOutline': '#0078d4', 'badge-background': '#616161', 'badge-foreground': '#f8f8f8', 'progressBar-background': '#0078d4',
    'inputValidation-errorBackground': '#5a1d1d', 'inputValidation-errorBorder': '#be1100', 'widget-shadow': '#0000005c',
    'settings-dropdownListBorder': '#454545', 'scrollbarSlider-background': '#79797966', 'icon-foreground': '#cccccc',
    'toolbar-hoverBackground': '#5a5d5e50', 'sideBar-background': '#181818',
    'settings-dropdownBackground': '#313131', 'settings-dropdownBorder': '#3c3c3c', 'settings-dropdownForeground': '#cccccc',
    'settings-checkboxBackground': '#313131', 'settings-checkboxBorder': '#3c3c3c', 'settings-checkboxForeground': '#cccccc',
    'settings-textInputBackground': '#313131', 'settings-textInputBorder': '#3c3c3c', 'settings-textInputForeground': '#cccccc',
    'list-highlightForeground': '#2aaaff', 'list-focusHighlightForeground': '#2aaaff', 'list-hoverForeground': '#cccccc',
  },
};

export const LIGHT: WebviewTheme = {
  name: 'light',
  bodyClass: 'vscode-light',
  vars: {
    ...COMMON,
    foreground: '#3b3b3b', 'editor-background': '#ffffff', 'editor-foreground': '#3b3b3b', 'panel-border': '#e5e5e5',
    focusBorder: '#005fb8', errorForeground: '#f85149', descriptionForeground: '#3b3b3b', 'textLink-foreground': '#005fb8',
    'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-hoverBackground': '#0258a8', 'button-border': '#0000001a',
    'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
    'input-background': '#ffffff', 'input-border': '#cecece', 'input-foreground': '#3b3b3b', 'input-placeholderForeground': '#767676',
    'dropdown-background': '#ffffff', 'dropdown-border': '#cecece', 'dropdown-foreground': '#3b3b3b', 'dropdown-listBackground': '#ffffff',
    'checkbox-background': '#f8f8f8', 'checkbox-border': '#cecece', 'checkbox-foreground': '#3b3b3b',
    'list-activeSelectionBackground': '#e8e8e8', 'list-activeSelectionForeground': '#000000', 'list-hoverBackground': '#f2f2f2',
    'list-focusOutline': '#005fb8', 'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b', 'progressBar-background': '#005fb8',
    'inputValidation-errorBackground': '#f2dede', 'inputValidation-errorBorder': '#be1100', 'widget-shadow': '#00000029',
    'settings-dropdownListBorder': '#cecece', 'scrollbarSlider-background': '#64646466', 'icon-foreground': '#3b3b3b',
    'toolbar-hoverBackground': '#b8b8b850', 'sideBar-background': '#f8f8f8',
    'settings-dropdownBackground': '#ffffff', 'settings-dropdownBorder': '#cecece', 'settings-dropdownForeground': '#3b3b3b',
    'settings-checkboxBackground': '#f8f8f8', 'settings-checkboxBorder': '#cecece', 'settings-checkboxForeground': '#3b3b3b',
    'settings-textInputBackground': '#ffffff', 'settings-textInputBorder': '#cecece', 'settings-textInputForeground': '#3b3b3b',
    'list-highlightForeground': '#0066bf', 'list-focusHighlightForeground': '#0066bf', 'list-hoverForeground': '#3b3b3b',
  },
};

/**
 * The classic and high-contrast themes, as Dark Modern and Light Modern with the colours the panels' text and badges
 * read replaced by each theme's own: VS Code's colour registry defaults (code-server 4.139's workbench), which
 * Dark+ and Light+ do not override; high contrast also has contrastBorder. A colour whose default is null in a theme
 * (inputValidation.errorForeground outside high-contrast light) is not set on the page, as VS Code does.
 */
function variant(base: WebviewTheme, name: string, bodyClass: string, vars: Record<string, string>): WebviewTheme {
  return { name, bodyClass, vars: { ...base.vars, ...vars } };
}

export const DARK_PLUS = variant(DARK, 'dark-plus', 'vscode-dark', {
  foreground: '#cccccc', 'editor-background': '#1e1e1e', 'editor-foreground': '#d4d4d4', errorForeground: '#f48771', focusBorder: '#007fd4',
  'inputValidation-errorBackground': '#5a1d1d', 'inputValidation-errorBorder': '#be1100', 'badge-background': '#4d4d4d', 'badge-foreground': '#ffffff',
});

export const LIGHT_PLUS = variant(LIGHT, 'light-plus', 'vscode-light', {
  foreground: '#616161', 'editor-background': '#ffffff', 'editor-foreground': '#000000', errorForeground: '#a1260d', focusBorder: '#0090f1',
  'inputValidation-errorBackground': '#f2dede', 'inputValidation-errorBorder': '#be1100', 'badge-background': '#c4c4c4', 'badge-foreground': '#333333',
});

export const HC_DARK = variant(DARK, 'hc-dark', 'vscode-high-contrast', {
  foreground: '#ffffff', 'editor-background': '#000000', 'editor-foreground': '#ffffff', errorForeground: '#f48771', focusBorder: '#f38518', contrastBorder: '#6fc3df',
  'inputValidation-errorBackground': '#000000', 'inputValidation-errorBorder': '#6fc3df', 'badge-background': '#000000', 'badge-foreground': '#ffffff',
});

export const HC_LIGHT = variant(LIGHT, 'hc-light', 'vscode-high-contrast-light', {
  foreground: '#292929', 'editor-background': '#ffffff', 'editor-foreground': '#292929', errorForeground: '#b5200d', focusBorder: '#006bbd', contrastBorder: '#0f4a85',
  'inputValidation-errorBackground': '#ffffff', 'inputValidation-errorForeground': '#292929', 'inputValidation-errorBorder': '#0f4a85',
  'badge-background': '#0f4a85', 'badge-foreground': '#ffffff',
});

/** The script that puts `theme` on the page as VS Code would (variables on <html>, the class on <body>). */
export function applyThemeScript(theme: WebviewTheme): string {
  const vars = Object.entries(theme.vars).map(([k, v]) => [`--vscode-${k}`, v]);
  return `(() => {
    const root = document.documentElement;
    // The theme before goes whole: a colour only it set (high-contrast light's) must not stay.
    for (const k of [...root.style]) if (k.startsWith('--vscode-')) root.style.removeProperty(k);
    for (const [k, v] of ${JSON.stringify(vars)}) root.style.setProperty(k, v);
    document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light');
    document.body.classList.add(${JSON.stringify(theme.bodyClass)});
  })()`;
}
