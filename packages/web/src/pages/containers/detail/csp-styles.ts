/**
 * xterm.js writes its sizes and colours into `<style>` elements it creates. The console's CSP
 * (`default-src 'self'`, no 'unsafe-inline') makes the browser ignore those, which leaves the
 * terminal without its cursor, colours and row sizes. The same rules set through CSSOM — a
 * constructed stylesheet adopted by the document — are not inline styles, so CSP allows them: this
 * mirrors every `<style>` under `root` into one such sheet, following xterm's rewrites.
 *
 * @returns a function that stops mirroring and drops the sheet.
 */
export function mirrorInlineStyles(root: HTMLElement): () => void {
  const sheet = new CSSStyleSheet();
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const copy = () => {
    const rules = [...root.querySelectorAll('style')].map((style) => style.textContent ?? '').join('\n');
    sheet.replaceSync(rules);
  };
  copy();
  // The rows change on every byte of output: only mutations of <style> elements matter.
  const isStyle = (node: Node) => node.nodeName === 'STYLE' || node.parentNode?.nodeName === 'STYLE';
  const observer = new MutationObserver((mutations) => {
    const touched = mutations.some(
      (mutation) =>
        isStyle(mutation.target) ||
        [...mutation.addedNodes].some(isStyle) ||
        [...mutation.removedNodes].some((node) => node.nodeName === 'STYLE'),
    );
    if (touched) copy();
  });
  observer.observe(root, { subtree: true, childList: true, characterData: true });
  return () => {
    observer.disconnect();
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((adopted) => adopted !== sheet);
  };
}
