// What the atlas accessibility tests read from a page in Chromium, and the arithmetic on it: in-page probes (strings,
// not functions: tsx adds a __name helper to functions, which the page lacks), WCAG's contrast ratio, and what a
// screen reader says for each tile of Chromium's accessibility tree (CDP Accessibility.getFullAXTree).

/** The page's language, title, landmarks, headings, skip link, links and pictures. */
export const PAGE_FACTS = `(() => {
  const text = (e) => (e.textContent || '').replace(/\\s+/g, ' ').trim();
  const name = (e) => e.getAttribute('aria-label') || text(e);
  const landmark = 'main, nav, header, footer, [role=main], [role=navigation]';
  const outside = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const p = n.parentElement;
    if (!n.textContent.trim() || p.closest('script, style') || p.closest(landmark) || p.closest('a.skip')) continue;
    outside.push(n.textContent.trim());
  }
  const first = document.body.querySelector('a, button');
  return {
    lang: document.documentElement.lang,
    title: document.title,
    mains: document.querySelectorAll('main, [role=main]').length,
    mainId: document.querySelector('main') ? document.querySelector('main').id : null,
    firstControl: first ? { text: text(first), href: first.getAttribute('href'), skip: first.classList.contains('skip') } : null,
    navs: Array.from(document.querySelectorAll('nav')).map((n) => n.getAttribute('aria-label')),
    current: Array.from(document.querySelectorAll('[aria-current=page]')).map(text),
    headings: Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).map((h) => [Number(h.tagName[1]), text(h)]),
    outside,
    links: Array.from(document.querySelectorAll('a[href]')).map((a) => ({ name: name(a), href: a.getAttribute('href') })),
    images: Array.from(document.images).map((i) => ({ alt: i.getAttribute('alt'), link: i.closest('a') ? name(i.closest('a')) : null, caption: i.closest('figure') && i.closest('figure').querySelector('figcaption') ? text(i.closest('figure').querySelector('figcaption')) : null })),
    badgeHelp: Array.from(document.querySelectorAll('.badge')).map((b) => b.title),
    mainText: document.querySelector('main') ? document.querySelector('main').innerText.replace(/\\s+/g, ' ') : '',
  };
})()`;

/** Every piece of visible text: its colour and the background colours under it, innermost first. */
export const TEXT_COLOURS = `(() => {
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    if (e.closest('script, style')) continue;
    const own = Array.from(e.childNodes).filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent.trim()).join(' ');
    if (!own) continue;
    const r = e.getBoundingClientRect();
    const cs = getComputedStyle(e);
    if (r.width <= 1 || r.height <= 1 || cs.visibility !== 'visible' || cs.display === 'none') continue;
    const bgs = [];
    for (let a = e; a; a = a.parentElement) bgs.push(getComputedStyle(a).backgroundColor);
    out.push({ text: own.slice(0, 60), cls: e.className, fg: cs.color, bgs, size: parseFloat(cs.fontSize), weight: Number(cs.fontWeight) });
  }
  return out;
})()`;

/** Anything that moves: transitions, animations, smooth scrolling. */
export const MOTION = `(() => {
  const moving = [];
  for (const e of document.querySelectorAll('*')) {
    const cs = getComputedStyle(e);
    if (cs.transitionDuration.split(',').some((d) => parseFloat(d) > 0)) moving.push(e.tagName + ' transition');
    if (cs.animationName !== 'none') moving.push(e.tagName + ' animation');
    if (cs.scrollBehavior === 'smooth') moving.push(e.tagName + ' smooth scroll');
  }
  return moving;
})()`;

/** The focused element: what it is called, its focus ring, whether it is in view. */
export const FOCUSED = `(() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const cs = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {
    tag: e.tagName.toLowerCase(),
    name: e.getAttribute('aria-label') || (e.textContent || '').replace(/\\s+/g, ' ').trim(),
    index: e.closest('[data-index]') ? Number(e.closest('[data-index]').getAttribute('data-index')) : null,
    outlineStyle: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth), outlineColor: cs.outlineColor,
    focusVisible: e.matches(':focus-visible'),
    inView: r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
  };
})()`;

export interface Focused {
  tag: string;
  name: string;
  index: number | null;
  outlineStyle: string;
  outlineWidth: number;
  outlineColor: string;
  focusVisible: boolean;
  inView: boolean;
}

type Rgba = [number, number, number, number];

export function parseColour(css: string): Rgba {
  const m = /^rgba?\(([^)]+)\)$/.exec(css.trim());
  if (!m) throw new Error(`not an rgb() colour: ${css}`);
  const parts = m[1]!.split(/[\s,/]+/).filter(Boolean).map(Number);
  return [parts[0]!, parts[1]!, parts[2]!, parts.length > 3 ? parts[3]! : 1];
}

function over(top: Rgba, under: Rgba): Rgba {
  const a = top[3];
  return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
}

/** The colour seen behind an element: its backgrounds, innermost first, laid over the white of the canvas. */
export function backdrop(bgs: string[]): Rgba {
  let seen: Rgba = [255, 255, 255, 1];
  for (const bg of [...bgs].reverse()) seen = over(parseColour(bg), seen);
  return seen;
}

function luminance([r, g, b]: Rgba): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG 2's contrast ratio of two opaque colours, 1 … 21. */
export function contrast(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export function textContrast(fg: string, bgs: string[]): number {
  const back = backdrop(bgs);
  return contrast(over(parseColour(fg), back), back);
}

export interface AXNode {
  nodeId: string;
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  childIds?: string[];
  backendDOMNodeId?: number;
}

/**
 * What a screen reader says for each tile (the backend node ids of the grid's DOM children), whatever roles the grid
 * and its tiles have, and the named pictures in each. A link, a button or a picture is said by its name (what is
 * inside a link is its name's source, not said again); text outside them is said as it stands.
 */
export function spokenTiles(nodes: AXNode[], tileNodes: number[]): { spoken: string; namedImages: string[] }[] {
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  const kids = (n: AXNode): AXNode[] => (n.childIds ?? []).map((id) => byId.get(id)).filter((c): c is AXNode => c !== undefined);
  const role = (n: AXNode): string => n.role?.value ?? '';
  const said = (n: AXNode): string[] => {
    if (n.ignored) return kids(n).flatMap(said);
    if (['link', 'button', 'image', 'img', 'StaticText'].includes(role(n))) return n.name?.value ? [n.name.value] : [];
    return kids(n).flatMap(said);
  };
  const images = (n: AXNode): string[] => [...(!n.ignored && ['image', 'img'].includes(role(n)) && n.name?.value ? [n.name.value] : []), ...kids(n).flatMap(images)];
  return tileNodes.map((id) => {
    const tile = nodes.find((n) => n.backendDOMNodeId === id);
    return tile ? { spoken: said(tile).join(' ').replace(/\s+/g, ' ').trim(), namedImages: images(tile) } : { spoken: '', namedImages: [] };
  });
}
