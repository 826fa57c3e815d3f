// The parameter form: one react-jsonschema-form per parameter page, with the
// page's JSON Schema (ajv validation, the same schema Go validates against)
// and its ui:* hints. Custom fields: EntityPicker / OwnerPicker (catalog-backed).

import Form from '@rjsf/core';
import {
  getUiOptions,
  type ErrorSchema,
  type FieldTemplateProps,
  type RegistryFieldsType,
  type RJSFSchema,
  type RJSFValidationError,
  type UiSchema,
} from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useMemo, type ReactNode } from 'react';
import { EntityPickerField, OwnerPickerField } from './EntityPicker';
import type { JSONSchema, ParameterPage } from './types';

type Values = Record<string, unknown>;

/** Backstage/Paved ui:field names mapped to the fields this form has. */
const FIELD_ALIASES: Record<string, string> = {
  EntityPicker: 'EntityPicker',
  OwnerPicker: 'OwnerPicker',
  OwnedByPicker: 'OwnerPicker',
  MyGroupsPicker: 'OwnerPicker',
};

export const FIELDS: RegistryFieldsType = {
  EntityPicker: EntityPickerField,
  OwnerPicker: OwnerPickerField,
};

function isObject(v: unknown): v is Record<string, unknown> {
  return Boolean(v) && typeof v === 'object' && !Array.isArray(v);
}

/** One property's ui hints, made safe for rjsf: known fields mapped, Secret → password, unknown fields dropped. */
function prepareFieldUi(ui: Record<string, unknown>, schema: JSONSchema | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ui)) {
    if (k === 'items' && isObject(v)) {
      out.items = prepareFieldUi(v, isObject(schema?.items) ? schema.items : undefined);
    } else if (k === 'ui:field') {
      if (v === 'Secret') out['ui:widget'] = 'password';
      else if (typeof v === 'string' && FIELD_ALIASES[v]) out['ui:field'] = FIELD_ALIASES[v];
      // Other pickers (RepoUrlPicker, EntityNamePicker...) fall back to the plain widget for the type.
    } else if (k === 'ui:widget') {
      if (!('ui:widget' in out)) out[k] = v;
    } else {
      out[k] = v;
    }
  }
  if (schema?.format === 'password' && !out['ui:widget']) out['ui:widget'] = 'password';
  return out;
}

/** The rjsf schema of a page: its own title/description are shown by the wizard, not inside the form. */
export function pageSchema(page: ParameterPage): RJSFSchema {
  const js: JSONSchema = { ...page.jsonSchema };
  delete js.title;
  delete js.description;
  if (!js.type && (js.properties || js.required)) js.type = 'object';
  return js as RJSFSchema;
}

export function pageUiSchema(page: ParameterPage): UiSchema {
  const props: JSONSchema = isObject(page.jsonSchema.properties) ? page.jsonSchema.properties : {};
  const ui: UiSchema = { 'ui:order': pageFields(page) };
  for (const [k, v] of Object.entries(page.uiSchema ?? {})) {
    if (k.startsWith('ui:')) {
      if (k !== 'ui:field' && k !== 'ui:order') ui[k] = v;
      continue;
    }
    if (isObject(v)) ui[k] = prepareFieldUi(v, isObject(props[k]) ? props[k] : undefined);
  }
  // Secrets are password inputs even without ui hints.
  for (const [k, p] of Object.entries(props)) {
    if (isObject(p) && p.format === 'password' && !ui[k]) ui[k] = { 'ui:widget': 'password' };
  }
  return ui;
}

/**
 * Top-level property names of a page, in display order: the page's ui:order
 * when it has one, else its required fields first (in their order), then the
 * rest. (Go marshals the schema's `properties` map with sorted keys, so the
 * order they were written in is not in the JSON.)
 */
export function pageFields(page: ParameterPage): string[] {
  const props = page.jsonSchema.properties;
  const keys = isObject(props) ? Object.keys(props) : [];
  const uiOrder = (page.uiSchema ?? {})['ui:order'];
  const first = Array.isArray(uiOrder)
    ? uiOrder.filter((k): k is string => typeof k === 'string')
    : Array.isArray(page.jsonSchema.required)
      ? (page.jsonSchema.required as unknown[]).filter((k): k is string => typeof k === 'string')
      : [];
  const ordered = first.filter((k, i) => keys.includes(k) && first.indexOf(k) === i);
  if (Array.isArray(uiOrder) && uiOrder.includes('*')) {
    // "*" stands for the rest, where the author put it.
    const rest = keys.filter((k) => !ordered.includes(k));
    const at = uiOrder.filter((k) => k === '*' || ordered.includes(k as string)).indexOf('*');
    return [...ordered.slice(0, at), ...rest, ...ordered.slice(at)];
  }
  return [...ordered, ...keys.filter((k) => !ordered.includes(k))];
}

export function pick(values: Values, keys: string[]): Values {
  const out: Values = {};
  for (const k of keys) if (values[k] !== undefined) out[k] = values[k];
  return out;
}

/** Replace a page's keys in the merged values by the page's current data. */
export function mergePage(values: Values, keys: string[], pageData: Values | undefined): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(values)) if (!keys.includes(k)) out[k] = v;
  for (const [k, v] of Object.entries(pageData ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

/** Friendlier messages than ajv's. */
export function transformErrors(errors: RJSFValidationError[]): RJSFValidationError[] {
  return errors.map((e) => {
    const p = (e.params ?? {}) as Record<string, unknown>;
    let message = e.message;
    switch (e.name) {
      case 'required':
        message = 'Required.';
        break;
      case 'pattern':
        message = `Not in the expected format (${String(p.pattern)}).`;
        break;
      case 'minLength':
        message = `Use at least ${String(p.limit)} character${p.limit === 1 ? '' : 's'}.`;
        break;
      case 'maxLength':
        message = `Use at most ${String(p.limit)} characters.`;
        break;
      case 'minimum':
        message = `Must be ${String(p.limit)} or more.`;
        break;
      case 'maximum':
        message = `Must be ${String(p.limit)} or less.`;
        break;
      case 'type':
        message = `Must be ${p.type === 'integer' ? 'a whole number' : `a ${String(p.type)}`}.`;
        break;
      case 'enum':
        message = 'Pick one of the options.';
        break;
    }
    return { ...e, message, stack: `${e.property ?? ''} ${message}`.trim() };
  });
}

/** Field wrapper: label, description, input, errors, help; tagged with the field's name for tests. */
function FieldTemplate(props: FieldTemplateProps) {
  const { id, label, children, errors, help, description, hidden, required, displayLabel, rawErrors, classNames, style, uiSchema } =
    props;
  if (hidden) return <div className="hidden">{children}</div>;
  const isCheckbox = getUiOptions(uiSchema).widget === 'checkbox';
  const isRoot = id === 'root';
  const hasErrors = Boolean(rawErrors && rawErrors.length);
  return (
    <div
      className={`form-group gp-field${classNames ? ` ${classNames}` : ''}${hasErrors ? ' has-error' : ''}`}
      style={style}
      data-testid={isRoot ? undefined : 'gp-field'}
      data-field={isRoot ? undefined : id.replace(/^root_/, '')}
      data-invalid={hasErrors ? 'true' : undefined}
    >
      {displayLabel && !isCheckbox && (
        <label className="control-label" htmlFor={id}>
          {label}
          {required && (
            <span className="required" aria-hidden="true">
              *
            </span>
          )}
        </label>
      )}
      {displayLabel && description ? description : null}
      {children}
      {errors}
      {help}
    </div>
  );
}

export const TEMPLATES = { FieldTemplate };

export function ParameterPageForm({
  page,
  values,
  onChange,
  onSubmit,
  liveValidate,
  onInvalid,
  extraErrors,
  disabled,
  children,
}: {
  page: ParameterPage;
  values: Values;
  onChange: (pageData: Values) => void;
  onSubmit: () => void;
  /** Show errors as the user types (after a first failed Next). */
  liveValidate: boolean;
  onInvalid: () => void;
  extraErrors?: ErrorSchema;
  disabled?: boolean;
  children: ReactNode;
}) {
  const keys = useMemo(() => pageFields(page), [page]);
  const schema = useMemo(() => pageSchema(page), [page]);
  const uiSchema = useMemo(() => pageUiSchema(page), [page]);
  return (
    <Form
      className="rjsf gp-form"
      schema={schema}
      uiSchema={uiSchema}
      formData={pick(values, keys)}
      validator={validator}
      fields={FIELDS}
      templates={TEMPLATES}
      transformErrors={transformErrors}
      liveValidate={liveValidate ? 'onChange' : undefined}
      showErrorList={false}
      noHtml5Validate
      focusOnFirstError
      extraErrors={extraErrors}
      disabled={disabled}
      onChange={(e) => onChange((e.formData ?? {}) as Values)}
      onSubmit={() => onSubmit()}
      onError={() => onInvalid()}
    >
      {children}
    </Form>
  );
}
