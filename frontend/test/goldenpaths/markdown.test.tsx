import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText, Markdown, safeHref } from '../../src/goldenpaths/Markdown';

declare global {
  interface Window {
    __pwned?: number;
  }
}

afterEach(() => {
  delete window.__pwned;
});

function md(source: string): HTMLElement {
  render(<Markdown source={source} testId="md" />);
  return screen.getByTestId('md');
}

/** No executable or remote-loading markup and no event-handler attributes anywhere. */
function expectInert(el: HTMLElement) {
  expect(el.querySelectorAll('script, style, iframe, object, embed, img, svg, form, input:not([type="checkbox"]), link, meta, base').length).toBe(0);
  for (const node of el.querySelectorAll('*')) {
    for (const attr of node.attributes) {
      expect(attr.name.startsWith('on')).toBe(false);
      expect(/^\s*(javascript|data|vbscript):/i.test(attr.value)).toBe(false);
    }
  }
}

describe('README Markdown', () => {
  it('renders headings, emphasis, lists, code, tables, quotes and links', () => {
    const el = md(`# Title

Some **bold**, *em*, ~~gone~~ and \`code\`, a & b &amp; c.

## What you get

- one
- [two](https://example.com/two "Two")
  - nested

1. first
2. second

- [x] done
- [ ] todo

\`\`\`go
func main() { fmt.Println("<hi>") }
\`\`\`

> quoted

| a | b |
|---|:-:|
| 1 | 2 |

---
line one  
line two`);
    // README headings sit one level under the page's heading.
    expect(within(el).getByRole('heading', { level: 2, name: 'Title' })).toBeTruthy();
    expect(within(el).getByRole('heading', { level: 3, name: 'What you get' })).toBeTruthy();
    expect(el.querySelector('strong')!.textContent).toBe('bold');
    expect(el.querySelector('em')!.textContent).toBe('em');
    expect(el.querySelector('del')!.textContent).toBe('gone');
    expect(el.querySelector('p')!.textContent).toContain('a & b & c.');
    const link = within(el).getByRole('link', { name: 'two' });
    expect(link.getAttribute('href')).toBe('https://example.com/two');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(el.querySelectorAll('ul ul li')).toHaveLength(1);
    expect([...el.querySelectorAll('ol > li')].map((li) => li.textContent)).toEqual(['first', 'second']);
    const boxes = el.querySelectorAll('input[type="checkbox"]');
    expect([...boxes].map((b) => (b as HTMLInputElement).checked)).toEqual([true, false]);
    expect(el.querySelector('pre code')!.textContent).toBe('func main() { fmt.Println("<hi>") }');
    expect(el.querySelector('pre')!.getAttribute('data-lang')).toBe('go');
    expect(el.querySelector('blockquote')!.textContent).toContain('quoted');
    expect([...el.querySelectorAll('th')].map((t) => t.textContent)).toEqual(['a', 'b']);
    expect((el.querySelectorAll('td')[1] as HTMLElement).style.textAlign).toBe('center');
    expect(el.querySelector('hr')).toBeTruthy();
    expect(el.querySelector('br')).toBeTruthy();
  });

  it('never injects HTML or scripts from a README', () => {
    const el = md(`# Hello <img src=x onerror="window.__pwned=1">

<script>window.__pwned = 2</script>

<div onclick="window.__pwned=3"><b>bold?</b> <iframe src="https://evil.example"></iframe></div>

Inline <script>window.__pwned=4</script> and <span onmouseover="window.__pwned=5">hover</span>.

[click](javascript:window.__pwned=6) [data](data:text/html,<script>alert(1)</script>) <a href="javascript:alert(1)">raw</a>

![tracker](https://evil.example/pixel.png)

<!-- a comment -->
<style>body { display: none }</style>

\`<script>in code</script>\`
`);
    expectInert(el);
    expect(window.__pwned).toBeUndefined();
    // Script bodies are dropped, other raw HTML is shown as text.
    expect(el.textContent).not.toContain('__pwned = 2');
    expect(el.textContent).not.toContain('__pwned=4');
    expect(el.textContent).toContain('bold?');
    expect(el.textContent).toContain('hover');
    expect(el.textContent).not.toContain('a comment');
    expect(el.textContent).not.toContain('display: none');
    // Unsafe links keep their text but are not links; images show their alt text.
    expect(within(el).queryByRole('link')).toBeNull();
    expect(el.textContent).toContain('click');
    expect(el.textContent).toContain('[tracker]');
    // Code keeps its text as text.
    expect(el.querySelector('code')!.textContent).toBe('<script>in code</script>');
  });

  it('helpers: safe hrefs, entities, html to text', () => {
    expect(safeHref('https://x.example/a')).toBe('https://x.example/a');
    expect(safeHref('mailto:a@b.example')).toBe('mailto:a@b.example');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref(' JavaScript:alert(1)')).toBeUndefined();
    expect(safeHref('docs/index.md')).toBeUndefined();
    expect(safeHref('#section')).toBeUndefined();
    expect(decodeEntities('&lt;b&gt; &amp; &#39;x&#39; &#x41; &unknown;')).toBe("<b> & 'x' A &unknown;");
    expect(htmlToText('<p align="center">Hi <script>x()</script><!-- c --><b>there</b></p>')).toBe('Hi there');
  });
});
