import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { resetEventsForTests, setBackendWaitMs } from '../../src/common/backend';
import { installFakeBackend } from '../../src/dev/fakeBackend';
import { splitUI } from '../../src/dev/fakeGoldenPaths';
import { mergePage, pageFields, pageSchema, pageUiSchema, ParameterPageForm, transformErrors } from '../../src/goldenpaths/schemaForm';
import { filterKinds, pickerQuery } from '../../src/goldenpaths/EntityPicker';
import type { GoldenPathBindings, JSONSchema, ParameterPage } from '../../src/goldenpaths/types';
import { renderApp, teardown } from '../helpers';

afterEach(teardown);

const SLOW = { timeout: 8000 };

function page(schema: JSONSchema): ParameterPage {
  const { schema: jsonSchema, ui } = splitUI(schema);
  return { title: schema.title, schema, jsonSchema, uiSchema: ui };
}

const field = (name: string) => document.querySelector(`[data-testid="gp-field"][data-field="${name}"]`) as HTMLElement | null;
const input = (name: string) => document.getElementById(`root_${name}`) as HTMLInputElement;

describe('schema → rjsf schema and uiSchema', () => {
  const p = page({
    title: 'About',
    description: 'Page description',
    required: ['name'],
    properties: {
      name: { type: 'string', title: 'Name', 'ui:autofocus': true, 'ui:help': 'Lower case' },
      owner: { type: 'string', 'ui:field': 'OwnedByPicker', 'ui:options': { catalogFilter: { kind: 'Group' } } },
      system: { type: 'string', 'ui:field': 'EntityPicker' },
      token: { type: 'string', 'ui:field': 'Secret' },
      password: { type: 'string', format: 'password' },
      repoUrl: { type: 'string', 'ui:field': 'RepoUrlPicker' },
      notes: { type: 'string', 'ui:widget': 'textarea' },
      tags: { type: 'array', items: { type: 'string', 'ui:placeholder': 'tag' } },
    },
  });

  it('drops the page title and adds type object', () => {
    const s = pageSchema(p);
    expect(s.title).toBeUndefined();
    expect(s.description).toBeUndefined();
    expect(s.type).toBe('object');
    expect(s.required).toEqual(['name']);
  });

  it('maps ui:field hints to the form’s fields and widgets', () => {
    const ui = pageUiSchema(p);
    expect(ui.name).toEqual({ 'ui:autofocus': true, 'ui:help': 'Lower case' });
    expect(ui.owner).toEqual({ 'ui:field': 'OwnerPicker', 'ui:options': { catalogFilter: { kind: 'Group' } } });
    expect(ui.system).toEqual({ 'ui:field': 'EntityPicker' });
    expect(ui.token).toEqual({ 'ui:widget': 'password' });
    expect(ui.password).toEqual({ 'ui:widget': 'password' });
    expect(ui.repoUrl).toEqual({}); // unknown picker: plain text input
    expect(ui.notes).toEqual({ 'ui:widget': 'textarea' });
    expect(ui.tags).toEqual({ items: { 'ui:placeholder': 'tag' } });
    expect(pageFields(p)).toEqual(['name', 'owner', 'system', 'token', 'password', 'repoUrl', 'notes', 'tags']);
  });

  it('orders fields: ui:order, else required first (Go sorts the properties’ keys)', () => {
    const props = { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' }, d: { type: 'string' } };
    const mk = (extra: JSONSchema, ui: Record<string, unknown> = {}): ParameterPage => ({ schema: {}, jsonSchema: { properties: props, ...extra }, uiSchema: ui });
    expect(pageFields(mk({}))).toEqual(['a', 'b', 'c', 'd']);
    expect(pageFields(mk({ required: ['d', 'b'] }))).toEqual(['d', 'b', 'a', 'c']);
    expect(pageFields(mk({ required: ['d'] }, { 'ui:order': ['c', 'a'] }))).toEqual(['c', 'a', 'b', 'd']);
    expect(pageFields(mk({}, { 'ui:order': ['c', '*', 'a'] }))).toEqual(['c', 'b', 'd', 'a']);
    expect(pageFields(mk({}, { 'ui:order': ['zz', 'b'] }))).toEqual(['b', 'a', 'c', 'd']);
    expect(pageUiSchema(mk({ required: ['d'] }))['ui:order']).toEqual(['d', 'a', 'b', 'c']);
  });

  it('merges a page’s answers, dropping cleared ones', () => {
    expect(mergePage({ name: 'a', port: 1, other: true }, ['name', 'port'], { name: 'b', port: undefined })).toEqual({ other: true, name: 'b' });
  });

  it('words validation errors for people', () => {
    const out = transformErrors([
      { name: 'required', property: '.name', message: "must have required property 'name'", stack: '', params: { missingProperty: 'name' } },
      { name: 'pattern', property: '.name', message: 'must match pattern', stack: '', params: { pattern: '^[a-z]+$' } },
      { name: 'minimum', property: '.port', message: 'must be >= 1024', stack: '', params: { limit: 1024 } },
      { name: 'minLength', property: '.d', message: 'x', stack: '', params: { limit: 3 } },
    ]);
    expect(out.map((e) => e.message)).toEqual(['Required.', 'Not in the expected format (^[a-z]+$).', 'Must be 1024 or more.', 'Use at least 3 characters.']);
  });

  it('reads picker kinds and search words', () => {
    expect(filterKinds({ kind: 'Group' })).toEqual(['Group']);
    expect(filterKinds([{ kind: ['Group', 'User'] }, { kind: 'Group' }])).toEqual(['Group', 'User']);
    expect(filterKinds(undefined)).toEqual([]);
    expect(pickerQuery('group:default/team-a')).toBe('team-a');
    expect(pickerQuery('team')).toBe('team');
  });
});

describe('a parameter page rendered from its JSON Schema', () => {
  it('renders string, enum, boolean, number, textarea, password and string-array fields with hints', async () => {
    setBackendWaitMs(200);
    installFakeBackend(window, { latencyMs: 0 });
    const p = page({
      required: ['name'],
      properties: {
        name: { type: 'string', title: 'Name', description: 'What to call it', 'ui:placeholder': 'orders-api', 'ui:help': 'Lower case only' },
        lifecycle: { type: 'string', title: 'Lifecycle', enum: ['experimental', 'production'], default: 'experimental' },
        postgres: { type: 'boolean', title: 'PostgreSQL', default: false },
        port: { type: 'integer', title: 'Port', default: 8080 },
        notes: { type: 'string', title: 'Notes', 'ui:widget': 'textarea' },
        token: { type: 'string', title: 'Token', 'ui:field': 'Secret' },
        tags: { type: 'array', title: 'Tags', items: { type: 'string' } },
      },
    });
    let data: Record<string, unknown> = {};
    render(
      <ParameterPageForm
        page={p}
        values={{ lifecycle: 'experimental', postgres: false, port: 8080 }}
        onChange={(d) => (data = d)}
        onSubmit={() => undefined}
        liveValidate={false}
        onInvalid={() => undefined}
      >
        <button type="submit">Next</button>
      </ParameterPageForm>,
    );
    const name = input('name');
    expect(name.getAttribute('placeholder')).toBe('orders-api');
    expect(field('name')!.textContent).toContain('What to call it');
    expect(field('name')!.textContent).toContain('Lower case only');
    expect(field('name')!.querySelector('.required')).toBeTruthy();
    expect(input('lifecycle').tagName).toBe('SELECT');
    expect([...input('lifecycle').querySelectorAll('option')].map((o) => o.textContent)).toEqual(['experimental', 'production']);
    expect(input('postgres').getAttribute('type')).toBe('checkbox');
    expect(input('port').getAttribute('type')).toBe('number');
    expect(input('port').value).toBe('8080');
    expect(input('notes').tagName).toBe('TEXTAREA');
    expect(input('token').getAttribute('type')).toBe('password');
    expect(within(field('tags')!).getByRole('button', { name: /add/i })).toBeTruthy();

    fireEvent.change(name, { target: { value: 'orders-api' } });
    fireEvent.click(input('postgres'));
    await waitFor(() => expect(data).toMatchObject({ name: 'orders-api', postgres: true, port: 8080 }));
    delete window.go;
    delete window.runtime;
    resetEventsForTests();
  });
});

describe('golden path form in the window', () => {
  it('renders the first page of go-service with the owner picker, then validates inline', async () => {
    renderApp('#/new/go-service');
    expect((await screen.findByTestId('goldenpath-title', {}, SLOW)).textContent).toBe('Go HTTP service');
    await waitFor(() => expect(input('name')).toBeTruthy());
    expect(screen.getByTestId('gp-page-title').textContent).toBe('About the service');
    expect(screen.getAllByTestId('gp-step').map((s) => s.textContent)).toEqual(['1About the service', '2Options', '3Review & create']);
    expect(screen.getByTestId('entity-picker').getAttribute('data-field')).toBe('owner');
    expect(screen.getByTestId('entity-picker').textContent).toContain('The team that runs it');
    expect(document.activeElement).toBe(input('name')); // ui:autofocus
    // Required fields in their order, although the JSON has the keys sorted.
    const order = () => [...document.querySelectorAll('[data-testid="gp-field"], [data-testid="entity-picker"]')].map((f) => f.getAttribute('data-field'));
    expect(order().filter((f, i, a) => a.indexOf(f) === i)).toEqual(['name', 'owner', 'description']);

    // Next with nothing filled in: inline errors, still on page 1.
    fireEvent.click(screen.getByTestId('gp-next'));
    await waitFor(() => expect(field('name')!.getAttribute('data-invalid')).toBe('true'));
    expect(field('name')!.textContent).toContain('Required.');
    expect(field('description')!.textContent).toContain('Required.');
    expect(screen.getByTestId('gp-page-title').textContent).toBe('About the service');

    // A pattern violation is reported as the user types (live after the first attempt).
    fireEvent.change(input('name'), { target: { value: 'Orders_API' } });
    await waitFor(() => expect(field('name')!.textContent).toContain('Not in the expected format'));
    fireEvent.change(input('name'), { target: { value: 'orders-api' } });
    await waitFor(() => expect(field('name')!.getAttribute('data-invalid')).toBeNull());

    fireEvent.change(input('owner'), { target: { value: 'group:default/team-payments' } });
    fireEvent.change(input('description'), { target: { value: 'Takes orders' } });
    fireEvent.click(screen.getByTestId('gp-next'));
    await waitFor(() => expect(screen.getByTestId('gp-page-title').textContent).toBe('Options'));
    // Defaults fill the second page.
    expect(input('port').value).toBe('8080');
    expect((input('lifecycle') as unknown as HTMLSelectElement).selectedOptions[0].textContent).toBe('experimental');
    // Back keeps the answers.
    fireEvent.click(screen.getByTestId('gp-back'));
    await waitFor(() => expect(input('name').value).toBe('orders-api'));
  });

  it('the owner picker suggests groups from the catalog and stores the full ref', async () => {
    const fake = renderApp('#/new/go-service');
    await waitFor(() => expect(input('owner')).toBeTruthy(), SLOW);
    const owner = input('owner');
    fireEvent.focus(owner);
    fireEvent.change(owner, { target: { value: 'pay' } });
    const lastSearch = () => fake.calls.filter((c) => c.method === 'Search').at(-1)?.args[0];
    await waitFor(() => expect(lastSearch()).toMatchObject({ query: 'pay', kinds: ['Group'] }), SLOW);
    await waitFor(() => expect(screen.getAllByTestId('entity-picker-option')).toHaveLength(1));
    const option = screen.getByText('Payments Team');
    // Only groups are offered.
    for (const o of screen.getAllByTestId('entity-picker-option')) expect(o.getAttribute('data-ref')).toMatch(/^group:/);
    fireEvent.mouseDown(option);
    await waitFor(() => expect(owner.value).toBe('group:default/team-payments'));
    expect(screen.getByTestId('entity-picker-match').textContent).toContain('Payments Team');
    expect(screen.queryAllByTestId('entity-picker-option')).toHaveLength(0);

    // Keyboard: arrow down + enter picks the highlighted suggestion.
    fireEvent.change(owner, { target: { value: 'checkout' } });
    await screen.findByText('Checkout Team');
    fireEvent.keyDown(owner, { key: 'ArrowDown' });
    fireEvent.keyDown(owner, { key: 'Enter' });
    await waitFor(() => expect(owner.value).toBe('group:default/team-checkout'));
  });

  it('shows the backend’s refusal on the field it names', async () => {
    const fake = renderApp('#/new/go-service');
    await waitFor(() => expect(input('name')).toBeTruthy(), SLOW);
    const app = fake.app as unknown as GoldenPathBindings;
    // As the bridge rejects: a JSON string whose problems name the fields.
    app.Scaffold = () =>
      Promise.reject(
        JSON.stringify({
          message: 'the values do not fit template go-service:\n  name: "orders-api" is taken in the catalog\n  port: must be 1024 or more',
          kind: 'invalid',
          problems: [
            { field: 'name', message: '"orders-api" is taken in the catalog', fix: 'pick another name' },
            { field: 'port', message: 'must be 1024 or more' },
          ],
        }),
      );
    fireEvent.change(input('name'), { target: { value: 'orders-api' } });
    fireEvent.change(input('owner'), { target: { value: 'team-payments' } });
    fireEvent.change(input('description'), { target: { value: 'Takes orders' } });
    fireEvent.click(screen.getByTestId('gp-next'));
    await waitFor(() => expect(screen.getByTestId('gp-page-title').textContent).toBe('Options'));
    fireEvent.click(screen.getByTestId('gp-next'));
    await screen.findByTestId('gp-review');
    await act(async () => {
      fireEvent.click(screen.getByTestId('gp-create'));
    });
    const error = await screen.findByTestId('scaffold-error');
    expect(error.getAttribute('data-kind')).toBe('invalid');
    // Each problem once, under the field's label, with its fix.
    const listed = within(error).getByTestId('scaffold-problems');
    expect(listed.querySelector('[data-field="name"]')!.textContent).toBe('Name: "orders-api" is taken in the catalog — pick another name');
    expect(listed.querySelector('[data-field="port"]')!.textContent).toBe('Port: must be 1024 or more');
    // Back on the first page with a refused field; each field shows its own refusal.
    fireEvent.click(screen.getByTestId('back-to-form'));
    await waitFor(() => expect(screen.getByTestId('gp-page-title').textContent).toBe('About the service'));
    await waitFor(() => expect(field('name')!.textContent).toContain('"orders-api" is taken in the catalog'));
    expect(field('owner')!.textContent).not.toContain('taken');
    // Editing the field clears the backend's error; the other page's stays.
    fireEvent.change(input('name'), { target: { value: 'orders-api-2' } });
    await waitFor(() => expect(field('name')!.textContent).not.toContain('is taken'));
    fireEvent.click(screen.getByTestId('gp-next'));
    await waitFor(() => expect(field('port')!.textContent).toContain('must be 1024 or more'));
  });

  it('says when a golden path does not exist, and links to those that do', async () => {
    renderApp('#/new/cobol-service');
    const error = await screen.findByTestId('error', {}, SLOW);
    expect(error.getAttribute('data-kind')).toBe('not_found');
    expect(error.textContent).toContain('There is no golden path cobol-service');
    expect(error.textContent).toContain('golden path "cobol-service" not found');
    expect(within(error).getByRole('link').getAttribute('href')).toBe('#/new');
  });
});
