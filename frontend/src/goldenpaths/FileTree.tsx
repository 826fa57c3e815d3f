import { useState } from 'react';
import type { PreviewFile } from './types';

export type TreeNode = {
  name: string;
  /** Slash-separated path; for directories without a trailing slash. */
  path: string;
  dir: boolean;
  children: TreeNode[];
  file?: PreviewFile;
};

/** Nest slash-separated paths into a tree: directories first, then files, each by name. */
export function buildTree(files: PreviewFile[]): TreeNode[] {
  const root: TreeNode = { name: '', path: '', dir: true, children: [] };
  for (const f of files) {
    const parts = f.path.split('/').filter(Boolean);
    let node = root;
    parts.forEach((part, i) => {
      const path = parts.slice(0, i + 1).join('/');
      const last = i === parts.length - 1;
      if (last) {
        node.children.push({ name: part, path, dir: false, children: [], file: f });
        return;
      }
      let next = node.children.find((c) => c.dir && c.name === part);
      if (!next) {
        next = { name: part, path, dir: true, children: [] };
        node.children.push(next);
      }
      node = next;
    });
  }
  // Code-point order, case-insensitive first (stable across locales; "main.go" before "main_test.go").
  const byName = (a: string, b: string) => {
    const la = a.toLowerCase();
    const lb = b.toLowerCase();
    return la < lb ? -1 : la > lb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  };
  const sort = (n: TreeNode) => {
    n.children.sort((a, b) => (a.dir === b.dir ? byName(a.name, b.name) : a.dir ? -1 : 1));
    n.children.forEach(sort);
  };
  sort(root);
  return root.children;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const isExecutable = (f?: PreviewFile) => Boolean(f && f.mode & 0o111);

/**
 * A file tree. With onSelect, files are buttons and the selected one is
 * highlighted; without, a plain listing. `testId` prefixes the ids:
 * `<testId>` on the tree, `<testId>-file` / `<testId>-dir` on entries (data-path).
 */
export function FileTree({
  files,
  selected,
  onSelect,
  testId,
  label,
}: {
  files: PreviewFile[];
  selected?: string;
  onSelect?: (path: string) => void;
  testId: string;
  label: string;
}) {
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const toggle = (path: string) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  const nodes = buildTree(files);

  const render = (list: TreeNode[], depth: number) =>
    list.map((n) => {
      if (n.dir) {
        const open = !collapsed.has(n.path);
        return (
          <li key={`d:${n.path}`} role="treeitem" aria-expanded={open} aria-level={depth + 1} aria-selected={false}>
            <button
              type="button"
              className="gp-tree-row gp-tree-dir"
              style={{ paddingLeft: 6 + depth * 14 }}
              onClick={() => toggle(n.path)}
              data-testid={`${testId}-dir`}
              data-path={n.path}
            >
              <span className="gp-tree-caret" aria-hidden="true">
                {open ? '▾' : '▸'}
              </span>
              {n.name}/
            </button>
            {open && <ul role="group">{render(n.children, depth + 1)}</ul>}
          </li>
        );
      }
      const active = selected === n.path;
      const body = (
        <>
          <span className="gp-tree-name">{n.name}</span>
          {isExecutable(n.file) && (
            <span className="gp-tree-exec" title="executable">
              x
            </span>
          )}
          {n.file && <span className="gp-tree-size">{formatSize(n.file.size)}</span>}
        </>
      );
      return (
        <li key={`f:${n.path}`} role="treeitem" aria-level={depth + 1} aria-selected={active}>
          {onSelect ? (
            <button
              type="button"
              className={`gp-tree-row gp-tree-file${active ? ' is-active' : ''}`}
              style={{ paddingLeft: 20 + depth * 14 }}
              onClick={() => onSelect(n.path)}
              data-testid={`${testId}-file`}
              data-path={n.path}
            >
              {body}
            </button>
          ) : (
            <span
              className="gp-tree-row gp-tree-file"
              style={{ paddingLeft: 20 + depth * 14 }}
              data-testid={`${testId}-file`}
              data-path={n.path}
            >
              {body}
            </span>
          )}
        </li>
      );
    });

  return (
    <ul className="gp-tree" role="tree" aria-label={label} data-testid={testId}>
      {render(nodes, 0)}
    </ul>
  );
}
