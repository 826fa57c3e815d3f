// Catalog-backed entity picker for ui:field EntityPicker / OwnerPicker: a text
// input (any entity ref may be typed) with suggestions from the Search binding,
// filtered by ui:options.catalogFilter.kind. The value is the full ref.

import { getUiOptions, type FieldProps } from '@rjsf/utils';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { search } from '../catalog/api';
import { KindBadge } from '../common/components';
import { useDebounced } from '../common/hooks';
import { displayName } from '../common/refs';
import type { EntitySummary } from '../catalog/types';

export const PICKER_DEBOUNCE_MS = 150;
const MAX_SUGGESTIONS = 8;

/** Kinds from ui:options.catalogFilter ({kind}, {kind: [..]}, or a list of such filters). */
export function filterKinds(catalogFilter: unknown): string[] {
  const filters = Array.isArray(catalogFilter) ? catalogFilter : catalogFilter ? [catalogFilter] : [];
  const kinds: string[] = [];
  for (const f of filters) {
    if (!f || typeof f !== 'object') continue;
    const k = (f as Record<string, unknown>).kind;
    for (const v of Array.isArray(k) ? k : [k]) if (typeof v === 'string' && v && !kinds.includes(v)) kinds.push(v);
  }
  return kinds;
}

/** The words to search for: a typed ref "group:default/team-a" searches for "team-a". */
export function pickerQuery(text: string): string {
  const t = text.trim();
  return t.slice(Math.max(t.lastIndexOf('/'), t.lastIndexOf(':')) + 1);
}

function EntityPicker({ props, defaultKinds }: { props: FieldProps<string>; defaultKinds: string[] }) {
  const { formData, onChange, onBlur, onFocus, schema, uiSchema, fieldPathId, required, disabled, readonly, autofocus, rawErrors, name } = props;
  const id = fieldPathId.$id;
  const opts = getUiOptions(uiSchema);
  const kinds = filterKinds((opts as Record<string, unknown>).catalogFilter);
  const effectiveKinds = kinds.length ? kinds : defaultKinds;
  const value = typeof formData === 'string' ? formData : '';
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [items, setItems] = useState<EntitySummary[]>([]);
  const [picked, setPicked] = useState<EntitySummary | undefined>();
  const query = useDebounced(pickerQuery(value), PICKER_DEBOUNCE_MS);
  const seq = useRef(0);
  const listId = useId();
  const kindsKey = effectiveKinds.join(',');

  useEffect(() => {
    if (!open) return;
    const n = ++seq.current;
    search({ query, kinds: kindsKey ? kindsKey.split(',') : undefined, limit: MAX_SUGGESTIONS }).then(
      (res) => {
        if (n === seq.current) {
          setItems(res.items);
          setActive(-1);
        }
      },
      () => {
        if (n === seq.current) setItems([]);
      },
    );
  }, [query, kindsKey, open]);

  const choose = (e: EntitySummary) => {
    setPicked(e);
    onChange(e.ref, fieldPathId.path, undefined, id);
    setOpen(false);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(items.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(-1, a - 1));
    } else if (e.key === 'Enter' && open && active >= 0 && items[active]) {
      e.preventDefault();
      choose(items[active]);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      setOpen(false);
    }
  };

  const title = (schema.title as string | undefined) ?? name;
  const description = schema.description as string | undefined;
  const placeholder = (opts.placeholder as string | undefined) || (effectiveKinds.length ? `Search ${effectiveKinds.join(' or ').toLowerCase()}s, or type a reference` : 'Entity reference');
  const shown = open && items.length > 0;
  const match = picked && picked.ref === value ? picked : items.find((i) => i.ref === value);
  return (
    <div className="gp-picker" data-testid="entity-picker" data-field={name}>
      <label className="control-label" htmlFor={id}>
        {title}
        {required && (
          <span className="required" aria-hidden="true">
            *
          </span>
        )}
      </label>
      {description && (
        <p className="field-description" id={`${id}__description`}>
          {description}
        </p>
      )}
      <div className="gp-picker-box">
        <input
          id={id}
          name={id}
          type="text"
          className="form-control"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={shown}
          aria-controls={listId}
          aria-activedescendant={shown && active >= 0 ? `${listId}-${active}` : undefined}
          aria-describedby={description ? `${id}__description` : undefined}
          aria-invalid={rawErrors && rawErrors.length ? true : undefined}
          aria-required={required || undefined}
          autoComplete="off"
          spellCheck={false}
          placeholder={placeholder}
          value={value}
          disabled={disabled}
          readOnly={readonly}
          autoFocus={autofocus}
          onChange={(e) => {
            setOpen(true);
            onChange(e.target.value === '' ? undefined : e.target.value, fieldPathId.path, undefined, id);
          }}
          onFocus={() => {
            setOpen(true);
            onFocus(id, value);
          }}
          onBlur={() => {
            setOpen(false);
            onBlur(id, value);
          }}
          onKeyDown={onKeyDown}
        />
        {shown && (
          <ul className="gp-picker-list" role="listbox" id={listId} aria-label={`${title} suggestions`}>
            {items.map((e, i) => (
              <li
                key={e.ref}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'is-active' : undefined}
                data-testid="entity-picker-option"
                data-ref={e.ref}
                // mousedown, not click: keep the input focused until the value is set
                onMouseDown={(ev) => {
                  ev.preventDefault();
                  choose(e);
                }}
              >
                <KindBadge kind={e.kind} />
                <span className="gp-picker-name">{displayName(e)}</span>
                <span className="mono muted small truncate">{e.ref}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {match && (
        <p className="gp-picker-match small" data-testid="entity-picker-match">
          ✓ {displayName(match)}
          {match.description && <span className="muted"> — {match.description}</span>}
        </p>
      )}
    </div>
  );
}

export function EntityPickerField(props: FieldProps<string>) {
  return <EntityPicker props={props} defaultKinds={[]} />;
}

/** Owners are groups (or users) by default. */
export function OwnerPickerField(props: FieldProps<string>) {
  return <EntityPicker props={props} defaultKinds={['Group', 'User']} />;
}
