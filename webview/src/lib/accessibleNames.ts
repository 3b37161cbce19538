// Accessible names for the @vscode-elements lists and fields. A panel puts each one in a <label> with its words
// ("Layer", "Input size"), but the element's own input lives in its shadow root, which the <label> cannot reach: a
// screen reader heard "combobox" or "edit text" and no name. The element takes a name through its `label`
// property (its inner aria-label), so every list or field inside a <label> gets that label's own words.

type Nameable = HTMLElement & { label?: string };

const FIELDS = 'vscode-single-select, vscode-textfield';

/** The words a <label> says itself (its text, not that of the controls and hints inside it). */
function ownWords(label: HTMLLabelElement): string {
  return Array.from(label.childNodes)
    .filter((n) => n.nodeType === Node.TEXT_NODE)
    .map((n) => n.textContent ?? '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Names every list and field under `root` (itself included) that has no name yet. */
export function nameFieldsFromLabels(root: Element): void {
  const fields = [...(root.matches(FIELDS) ? [root] : []), ...root.querySelectorAll(FIELDS)] as Nameable[];
  for (const field of fields) {
    if (field.label || field.getAttribute('aria-label')) continue;
    const label = field.closest('label');
    const words = label ? ownWords(label) : '';
    if (words) field.label = words;
  }
}

/** Names the fields under `root` now and those any later change puts there (a result's size field, Explain's). */
export function keepFieldsNamed(root: HTMLElement): void {
  nameFieldsFromLabels(root);
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n instanceof Element) nameFieldsFromLabels(n);
  }).observe(root, { childList: true, subtree: true });
}
