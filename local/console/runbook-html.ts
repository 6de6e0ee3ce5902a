/** Escapes text for HTML. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * docs/runbook.md as a page whose `## <alarm id>` headings are anchors (the console's alarm links), the rest
 * kept as preformatted text: enough to read it beside the console without a Markdown library.
 */
export function renderRunbook(markdown: string): string {
  const body = markdown
    .split(/^(?=## )/m)
    .map((section) => {
      const heading = /^## (\S+)\s*\n/.exec(section);
      if (!heading) return `<pre>${escapeHtml(section)}</pre>`;
      const id = heading[1] as string;
      return `<section id="${escapeHtml(id)}"><h2>${escapeHtml(id)}</h2><pre>${escapeHtml(section.slice(heading[0].length))}</pre></section>`;
    })
    .join('\n');
  return `<!doctype html><meta charset="utf-8"><title>Runbook</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto}pre{white-space:pre-wrap}section:target{background:#fff7d6}</style>
${body}`;
}
