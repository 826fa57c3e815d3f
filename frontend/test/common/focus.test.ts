import { afterEach, describe, expect, it, vi } from 'vitest';
import { handleSlashKey, isTypingTarget, SEARCH_INPUT_ID } from '../../src/common/focus';

afterEach(() => {
  document.body.innerHTML = '';
});

function key(k: string, target: EventTarget, init: KeyboardEventInit = {}) {
  const ev = new KeyboardEvent('keydown', { key: k, cancelable: true, bubbles: true, ...init });
  Object.defineProperty(ev, 'target', { value: target });
  return ev;
}

describe('"/" shortcut', () => {
  it('recognises typing targets', () => {
    const text = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    const ta = document.createElement('textarea');
    const div = document.createElement('div');
    expect(isTypingTarget(text)).toBe(true);
    expect(isTypingTarget(ta)).toBe(true);
    expect(isTypingTarget(box)).toBe(false);
    expect(isTypingTarget(div)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });

  it('focuses the search input when present, else navigates', () => {
    const go = vi.fn();
    expect(handleSlashKey(key('/', document.body), go)).toBe(true);
    expect(go).toHaveBeenCalledTimes(1);

    const input = document.createElement('input');
    input.id = SEARCH_INPUT_ID;
    document.body.appendChild(input);
    expect(handleSlashKey(key('/', document.body), go)).toBe(true);
    expect(document.activeElement).toBe(input);
    expect(go).toHaveBeenCalledTimes(1);
  });

  it('ignores other keys, modifiers and typing', () => {
    const go = vi.fn();
    const other = document.createElement('input');
    document.body.appendChild(other);
    expect(handleSlashKey(key('a', document.body), go)).toBe(false);
    expect(handleSlashKey(key('/', document.body, { ctrlKey: true }), go)).toBe(false);
    expect(handleSlashKey(key('/', other), go)).toBe(false);
    expect(go).not.toHaveBeenCalled();
  });
});
