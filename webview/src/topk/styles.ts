// The few rules only the Top Images panel needs, on top of media/panel.css (the CSP allows inline styles).
const CSS = `
#sort { width: 12em; }
.tk-canvas { cursor: pointer; image-rendering: pixelated; }
.tk-legend { opacity: 0.8; font-size: 0.9em; padding: 2px 0; }
`;

export function addTopkStyles(): void {
  const style = document.createElement('style');
  style.textContent = CSS;
  document.head.append(style);
}
