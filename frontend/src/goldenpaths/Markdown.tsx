// Safe Markdown: `marked` parses (GFM) into tokens and this file turns the tokens
// into React elements. Nothing is ever set as HTML: raw HTML in the source is
// shown as text (tags stripped, <script>/<style> dropped), links are kept only
// for http(s)/mailto, images are not loaded (their alt text is shown).

import { Lexer, type Token, type Tokens } from 'marked';
import { Fragment, useMemo, type ReactNode } from 'react';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'" };

/** Decode the HTML entities marked leaves in text tokens (React escapes the result). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (m, e: string) => {
    const lower = e.toLowerCase();
    if (lower in ENTITIES) return ENTITIES[lower];
    let code = NaN;
    if (lower.startsWith('#x')) code = parseInt(lower.slice(2), 16);
    else if (lower.startsWith('#')) code = parseInt(lower.slice(1), 10);
    if (Number.isFinite(code) && code > 0 && code <= 0x10ffff) {
      try {
        return String.fromCodePoint(code);
      } catch {
        return m;
      }
    }
    return m;
  });
}

/** Text of a raw HTML fragment: scripts, styles and comments removed, tags stripped. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?(-->|$)/g, '')
      .replace(/<(script|style|iframe|object|template)\b[\s\S]*?(<\/\1\s*>|$)/gi, '')
      .replace(/<\/?[a-z][^>]*>/gi, ''),
  );
}

/** An http(s) or mailto URL, absolute; anything else (javascript:, relative paths, #anchors) is not linked. */
export function safeHref(href: string | null | undefined): string | undefined {
  if (!href) return undefined;
  try {
    const u = new URL(href.trim());
    return ['http:', 'https:', 'mailto:'].includes(u.protocol) ? u.href : undefined;
  } catch {
    return undefined;
  }
}

type Ctx = { inRawTag: string | null };

function inline(tokens: Token[] | undefined, keyPrefix: string): ReactNode[] {
  const ctx: Ctx = { inRawTag: null };
  return (tokens ?? []).map((t, i) => <Fragment key={`${keyPrefix}-${i}`}>{inlineToken(t, `${keyPrefix}-${i}`, ctx)}</Fragment>);
}

function inlineToken(t: Token, key: string, ctx: Ctx): ReactNode {
  // Text between an inline <script>/<style> open tag and its close tag is dropped.
  if (ctx.inRawTag) {
    if (t.type === 'html' && new RegExp(`^</${ctx.inRawTag}\\s*>`, 'i').test((t as Tokens.HTML).text)) ctx.inRawTag = null;
    return null;
  }
  switch (t.type) {
    case 'text': {
      const tt = t as Tokens.Text;
      return tt.tokens ? inline(tt.tokens, key) : decodeEntities(tt.text);
    }
    case 'escape':
      return (t as Tokens.Escape).text;
    case 'strong':
      return <strong>{inline((t as Tokens.Strong).tokens, key)}</strong>;
    case 'em':
      return <em>{inline((t as Tokens.Em).tokens, key)}</em>;
    case 'del':
      return <del>{inline((t as Tokens.Del).tokens, key)}</del>;
    case 'codespan':
      return <code>{decodeEntities((t as Tokens.Codespan).text)}</code>;
    case 'br':
      return <br />;
    case 'link': {
      const l = t as Tokens.Link;
      const href = safeHref(l.href);
      const children = inline(l.tokens, key);
      return href ? (
        <a href={href} title={l.title ?? undefined} target="_blank" rel="noreferrer noopener">
          {children}
        </a>
      ) : (
        <span className="md-link-text">{children}</span>
      );
    }
    case 'image': {
      const im = t as Tokens.Image;
      return im.text ? <span className="md-image-alt">[{decodeEntities(im.text)}]</span> : null;
    }
    case 'html': {
      const text = (t as Tokens.HTML).text;
      const open = /^<(script|style|iframe|object|template)\b[^>]*>$/i.exec(text.trim());
      if (open) {
        ctx.inRawTag = open[1];
        return null;
      }
      return htmlToText(text) || null;
    }
    case 'checkbox':
      return <input type="checkbox" checked={(t as Tokens.Checkbox).checked} disabled readOnly />;
    default:
      return 'text' in t && typeof t.text === 'string' ? decodeEntities(t.text) : null;
  }
}

function block(tokens: Token[], keyPrefix: string): ReactNode[] {
  return tokens.map((t, i) => <Fragment key={`${keyPrefix}-${i}`}>{blockToken(t, `${keyPrefix}-${i}`)}</Fragment>);
}

function blockToken(t: Token, key: string): ReactNode {
  switch (t.type) {
    case 'space':
      return null;
    case 'heading': {
      const h = t as Tokens.Heading;
      const children = inline(h.tokens, key);
      // README headings sit under the page's own h1/h2: shift them down one level.
      switch (Math.min(6, h.depth + 1)) {
        case 2:
          return <h2>{children}</h2>;
        case 3:
          return <h3>{children}</h3>;
        case 4:
          return <h4>{children}</h4>;
        case 5:
          return <h5>{children}</h5>;
        default:
          return <h6>{children}</h6>;
      }
    }
    case 'paragraph':
      return <p>{inline((t as Tokens.Paragraph).tokens, key)}</p>;
    case 'text': {
      const tt = t as Tokens.Text;
      return tt.tokens ? inline(tt.tokens, key) : decodeEntities(tt.text);
    }
    case 'code': {
      const c = t as Tokens.Code;
      return (
        <pre className="md-code" data-lang={c.lang || undefined}>
          <code>{c.text}</code>
        </pre>
      );
    }
    case 'blockquote':
      return <blockquote>{block((t as Tokens.Blockquote).tokens, key)}</blockquote>;
    case 'hr':
      return <hr />;
    case 'list': {
      const l = t as Tokens.List;
      const items = l.items.map((item, i) => (
        <li key={i} className={item.task ? 'md-task' : undefined}>
          {item.loose ? block(item.tokens, `${key}-${i}`) : inlineItem(item.tokens, `${key}-${i}`)}
        </li>
      ));
      if (l.ordered) {
        const start = typeof l.start === 'number' ? l.start : Number(l.start) || 1;
        return <ol start={start !== 1 ? start : undefined}>{items}</ol>;
      }
      return <ul>{items}</ul>;
    }
    case 'table': {
      const tb = t as Tokens.Table;
      const align = (a: string | null) => (a === 'left' || a === 'right' || a === 'center' ? a : undefined);
      return (
        <div className="md-table-wrap">
          <table className="table md-table">
            <thead>
              <tr>
                {tb.header.map((c, i) => (
                  <th key={i} scope="col" style={{ textAlign: align(tb.align[i]) }}>
                    {inline(c.tokens, `${key}-h${i}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {tb.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((c, i) => (
                    <td key={i} style={{ textAlign: align(tb.align[i]) }}>
                      {inline(c.tokens, `${key}-${r}-${i}`)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    }
    case 'html': {
      const text = htmlToText((t as Tokens.HTML).text).trim();
      return text ? <p className="md-html">{text}</p> : null;
    }
    case 'def':
      return null;
    case 'checkbox':
      return <input type="checkbox" checked={(t as Tokens.Checkbox).checked} disabled readOnly />;
    default:
      return 'tokens' in t && Array.isArray(t.tokens) ? block(t.tokens, key) : null;
  }
}

/** A tight list item: its block tokens are text/inline runs, nested lists stay blocks. */
function inlineItem(tokens: Token[], key: string): ReactNode[] {
  const ctx: Ctx = { inRawTag: null };
  return tokens.map((t, i) => {
    const k = `${key}-${i}`;
    const node = t.type === 'text' || t.type === 'checkbox' ? inlineToken(t, k, ctx) : blockToken(t, k);
    return <Fragment key={k}>{node}</Fragment>;
  });
}

/** Parse Markdown into tokens (exported for tests). */
export function lexMarkdown(source: string): Token[] {
  return Lexer.lex(source, { gfm: true, breaks: false });
}

export function Markdown({ source, testId, className }: { source: string; testId?: string; className?: string }) {
  const nodes = useMemo(() => block(lexMarkdown(source), 'md'), [source]);
  return (
    <div className={`markdown${className ? ` ${className}` : ''}`} data-testid={testId}>
      {nodes}
    </div>
  );
}
