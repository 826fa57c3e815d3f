// Entity reference helpers ("kind:namespace/name").

export type ParsedRef = { kind: string; namespace: string; name: string };

export function parseRef(ref: string): ParsedRef {
  let rest = ref;
  let kind = '';
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    kind = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  let namespace = 'default';
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    namespace = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
  }
  return { kind, namespace, name: rest };
}

/** "group:default/team-payments" -> "team-payments"; other namespaces keep "ns/name". */
export function shortRef(ref: string): string {
  const p = parseRef(ref);
  return p.namespace === 'default' ? p.name : `${p.namespace}/${p.name}`;
}

/** Lower-case kind key used for CSS classes (kind-component, kind-api ...). */
export function kindKey(kind: string): string {
  return (kind || 'unknown').toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

export function displayName(e: { title?: string; name: string }): string {
  return e.title && e.title.trim() ? e.title : e.name;
}
