// "/" focuses the search box, possibly after navigating to the catalog page.

export const SEARCH_INPUT_ID = 'catalog-search';

let pending = false;

function searchInput(): HTMLInputElement | null {
  return document.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null;
}

/** Focus the search input now if it is mounted, else when it mounts. */
export function requestSearchFocus(): boolean {
  const el = searchInput();
  if (el) {
    el.focus();
    el.select();
    pending = false;
    return true;
  }
  pending = true;
  return false;
}

/** Called by the search page on mount. */
export function consumePendingSearchFocus(): boolean {
  if (!pending) return false;
  pending = false;
  const el = searchInput();
  el?.focus();
  return Boolean(el);
}

/** True if a key event happens while the user is typing somewhere. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
  }
  return false;
}

/** Global keydown handler: "/" focuses search unless typing in a field. */
export function handleSlashKey(e: KeyboardEvent, goToSearch: () => void): boolean {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return false;
  if (isTypingTarget(e.target)) return false;
  e.preventDefault();
  if (!requestSearchFocus()) goToSearch();
  return true;
}
