import type { ErrorSchema } from '@rjsf/utils';
import { useEffect, useMemo, useReducer, useRef } from 'react';
import { toBackendError, type BackendError } from '../common/backend';
import { ErrorBox, Loading, NotFoundBox, ProblemList, RefValue, Tags } from '../common/components';
import { useAsync, useCatalog, useDocumentTitle } from '../common/hooks';
import { getGoldenPath, getScaffoldDefaults, onGoldenPathProgress, scaffold } from './api';
import { SourceBadge } from './GalleryPage';
import './goldenpaths.css';
import { Markdown } from './Markdown';
import { PreviewPanel, usePreview } from './Preview';
import { ScaffoldProgress } from './progress';
import { ScaffoldResultView } from './Result';
import { pageFields, pageUiSchema, ParameterPageForm } from './schemaForm';
import type { ParameterPage, PreviewProblem, TemplateDetail } from './types';
import { initialWizard, scaffoldRequest, wizardReducer, type FieldError, type Values, type WizardState, type WizardTemplate } from './wizard';

/** The page's two tabs, in order. */
const TABS: { id: WizardState['tab']; label: string }[] = [
  { id: 'create', label: 'Create' },
  { id: 'readme', label: 'About this golden path' },
];

export function GoldenPathPage({ template }: { template: string }) {
  const { platform } = useCatalog();
  const { data, error, reload } = useAsync(() => getGoldenPath(template), [template]);
  const defaults = useAsync(getScaffoldDefaults, []);
  useDocumentTitle(data ? `Create: ${data.title || data.name}` : 'Create', platform?.title);

  if (error && !data) {
    return (
      <div className="page">
        <Breadcrumbs title={template} />
        {error.kind === 'not_found' ? (
          <NotFoundBox error={error}>
            There is no golden path <code>{template}</code>. <a href="#/new">See the golden paths there are</a>.
          </NotFoundBox>
        ) : (
          <ErrorBox error={error} onRetry={reload} />
        )}
      </div>
    );
  }
  if (!data) return <Loading />;
  return <GoldenPathWizard key={data.name} detail={data} parentDir={defaults.data?.parentDir} />;
}

function Breadcrumbs({ title }: { title: string }) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <a href="#/new">Create</a> <span aria-hidden="true">›</span> <span>{title}</span>
    </nav>
  );
}

/** rjsf's extraErrors for one page: each refused field path nested as rjsf nests it. */
export function pageErrorSchema(fieldErrors: WizardState['fieldErrors'], fields: readonly string[]): ErrorSchema | undefined {
  let out: Record<string, unknown> | undefined;
  for (const f of fields) {
    for (const e of fieldErrors[f] ?? ([] as FieldError[])) {
      out ??= {};
      let node = out;
      for (const seg of e.path.split(/[.[\]]+/).filter(Boolean)) node = (node[seg] ??= {}) as Record<string, unknown>;
      ((node.__errors ??= []) as string[]).push(e.message);
    }
  }
  return out as ErrorSchema | undefined;
}

function fieldLabels(pages: ParameterPage[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const p of pages) {
    const props = (p.jsonSchema.properties ?? {}) as Record<string, { title?: string }>;
    for (const [k, s] of Object.entries(props)) labels[k] = s?.title || k;
  }
  return labels;
}

function isSecret(page: ParameterPage, key: string): boolean {
  const ui = pageUiSchema(page)[key] as Record<string, unknown> | undefined;
  return ui?.['ui:widget'] === 'password';
}

function formatValue(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ') : '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function GoldenPathWizard({ detail, parentDir }: { detail: TemplateDetail; parentDir?: string }) {
  const pages = detail.parameters;
  const reviewIndex = pages.length;
  const tpl = useMemo<WizardTemplate>(
    () => ({ name: detail.name, pages: pages.map(pageFields), defaults: detail.defaults, steps: detail.steps }),
    [detail, pages],
  );
  const [state, dispatch] = useReducer((s: WizardState, a: Parameters<typeof wizardReducer>[2]) => wizardReducer(tpl, s, a), tpl, initialWizard);
  const { phase, step, reached, values, tab, progress, result, error } = state;
  const editing = phase === 'form' || phase === 'review';
  const preview = usePreview(detail.name, values, editing);
  const labels = useMemo(() => fieldLabels(pages), [pages]);
  const stopEvents = useRef<(() => void) | undefined>(undefined);
  useEffect(() => () => stopEvents.current?.(), []);

  const name = typeof values.name === 'string' ? values.name : '';
  const title = detail.title || detail.name;

  const create = () => {
    const req = scaffoldRequest(tpl, state);
    dispatch({ type: 'create' });
    stopEvents.current?.();
    stopEvents.current = onGoldenPathProgress((ev) => {
      if (ev.source === detail.name) dispatch({ type: 'progress', event: ev });
    });
    const done = () => {
      stopEvents.current?.();
      stopEvents.current = undefined;
    };
    scaffold(req).then(
      (res) => {
        done();
        dispatch({ type: 'created', result: res });
      },
      (err: unknown) => {
        done();
        dispatch({ type: 'failed', error: toBackendError(err, 'Scaffold') });
      },
    );
  };

  return (
    <div className={`page gp-page gp-phase-${phase}`} data-testid="goldenpath-page" data-name={detail.name}>
      <Breadcrumbs title={title} />
      <header className="entity-header gp-header">
        <div className="entity-heading">
          <h1 data-testid="goldenpath-title">{title}</h1>
          <SourceBadge t={detail} />
        </div>
        <div className="entity-subtitle mono muted small">
          {detail.name}
          {detail.version && <> · version {detail.version.startsWith('sha256:') ? detail.version.slice(0, 19) : detail.version}</>}
        </div>
        {detail.description && <p className="entity-description">{detail.description}</p>}
        <div className="gp-header-meta small">
          <span>
            <span className="muted">Owner </span>
            <RefValue value={detail.owner} />
          </span>
          <Tags tags={detail.tags} />
        </div>
      </header>

      {phase === 'done' && result ? (
        <>
          <ScaffoldResultView result={result} title={name || title} />
          <ScaffoldProgress state={progress} />
          <div className="gp-buttons">
            <button type="button" className="btn" onClick={() => dispatch({ type: 'reset' })} data-testid="create-another">
              Create another
            </button>
            <a className="btn" href="#/new">
              All golden paths
            </a>
          </div>
        </>
      ) : phase === 'scaffolding' || phase === 'failed' ? (
        <div className="gp-running">
          {error && <ScaffoldError error={error} labels={labels} onBack={() => dispatch({ type: 'backToForm' })} />}
          <ScaffoldProgress state={progress} />
        </div>
      ) : (
        <>
          <div className="gp-tabs" role="tablist" aria-label="Golden path">
            {TABS.map(({ id, label }) => (
              <button
                key={id}
                type="button"
                role="tab"
                id={`gp-tab-${id}`}
                aria-selected={tab === id}
                aria-controls={`gp-panel-${id}`}
                className={tab === id ? 'is-active' : ''}
                onClick={() => dispatch({ type: 'tab', tab: id })}
                data-testid={`tab-${id}`}
              >
                {label}
              </button>
            ))}
          </div>

          {tab === 'readme' ? (
            <section className="card gp-readme" id="gp-panel-readme" role="tabpanel" aria-labelledby="gp-tab-readme">
              <div className="card-body">
                {detail.readme.trim() ? (
                  <Markdown source={detail.readme} testId="goldenpath-readme" />
                ) : (
                  <p className="muted" data-testid="goldenpath-readme">
                    This golden path has no README.
                  </p>
                )}
              </div>
            </section>
          ) : (
            <div className="gp-layout" id="gp-panel-create" role="tabpanel" aria-labelledby="gp-tab-create">
              <div className="gp-form-col">
                <Stepper pages={pages} step={step} reached={reached} onGo={(i) => dispatch({ type: 'goTo', step: i })} />
                <section className="card gp-form-card">
                  {step < reviewIndex ? (
                    <>
                      <h2 className="card-title" data-testid="gp-page-title">
                        {pages[step].title || `Step ${step + 1}`}
                      </h2>
                      <div className="card-body">
                        {pages[step].description && <p className="muted gp-page-desc">{pages[step].description}</p>}
                        <ParameterPageForm
                          key={step}
                          page={pages[step]}
                          values={values}
                          onChange={(d) => dispatch({ type: 'pageChanged', page: step, data: d })}
                          onSubmit={() => dispatch({ type: 'goTo', step: step + 1 })}
                          liveValidate={state.live.includes(step)}
                          onInvalid={() => dispatch({ type: 'pageInvalid', page: step })}
                          extraErrors={pageErrorSchema(state.fieldErrors, tpl.pages[step])}
                        >
                          <div className="gp-buttons">
                            {step > 0 && (
                              <button type="button" className="btn" onClick={() => dispatch({ type: 'back' })} data-testid="gp-back">
                                Back
                              </button>
                            )}
                            <button type="submit" className="btn btn-primary" data-testid="gp-next">
                              {step + 1 === reviewIndex ? 'Review' : 'Next'}
                            </button>
                          </div>
                        </ParameterPageForm>
                      </div>
                    </>
                  ) : (
                    <Review
                      pages={pages}
                      values={values}
                      labels={labels}
                      outDir={state.outDir}
                      parentDir={parentDir}
                      defaultOutDir={preview.preview?.outDir}
                      onOutDir={(v) => dispatch({ type: 'outDir', value: v })}
                      push={state.push}
                      onPush={(v) => dispatch({ type: 'push', value: v })}
                      problems={preview.preview?.problems ?? []}
                      onBack={reviewIndex > 0 ? () => dispatch({ type: 'back' }) : undefined}
                      onCreate={create}
                    />
                  )}
                </section>
              </div>
              <div className="gp-preview-col">
                <PreviewPanel state={preview} labels={labels} />
              </div>
            </div>
          )}
        </>
      )}
    </div>
  );
}

function Stepper({ pages, step, reached, onGo }: { pages: ParameterPage[]; step: number; reached: number; onGo: (i: number) => void }) {
  const names = [...pages.map((p, i) => p.title || `Step ${i + 1}`), 'Review & create'];
  return (
    <ol className="gp-steps" data-testid="gp-steps" aria-label="Steps">
      {names.map((n, i) => {
        const state = i === step ? 'current' : i < step || i <= reached ? 'visited' : 'todo';
        return (
          <li key={i} className={`is-${state}`}>
            <button
              type="button"
              onClick={() => onGo(i)}
              disabled={i > reached}
              aria-current={i === step ? 'step' : undefined}
              data-testid="gp-step"
              data-index={i}
            >
              <span className="gp-step-num" aria-hidden="true">
                {i + 1}
              </span>
              <span className="gp-step-name">{n}</span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}

function Review({
  pages,
  values,
  labels,
  outDir,
  parentDir,
  defaultOutDir,
  onOutDir,
  push,
  onPush,
  problems,
  onBack,
  onCreate,
}: {
  pages: ParameterPage[];
  values: Values;
  labels: Record<string, string>;
  outDir: string;
  parentDir?: string;
  /** The folder Scaffold creates when outDir is empty, as the preview says ("" = not known yet). */
  defaultOutDir?: string;
  onOutDir: (v: string) => void;
  push: string;
  onPush: (v: string) => void;
  problems: PreviewProblem[];
  onBack?: () => void;
  onCreate: () => void;
}) {
  const name = typeof values.name === 'string' && values.name ? values.name : '<name>';
  return (
    <>
      <h2 className="card-title" data-testid="gp-page-title">
        Review &amp; create
      </h2>
      <form
        className="card-body gp-review"
        data-testid="gp-review"
        onSubmit={(e) => {
          e.preventDefault();
          onCreate();
        }}
      >
        {pages.map((p, i) => (
          <div key={i} className="gp-review-page">
            <h3 className="subheading">{p.title || `Step ${i + 1}`}</h3>
            <dl className="meta-list">
              {pageFields(p).map((k) => (
                <div key={k} className="gp-review-row" data-testid="gp-review-value" data-field={k}>
                  <dt>{labels[k] ?? k}</dt>
                  <dd className="break">{isSecret(p, k) && values[k] ? '••••••' : formatValue(values[k])}</dd>
                </div>
              ))}
            </dl>
          </div>
        ))}

        {problems.length > 0 && (
          <div className="gp-preview-note is-warn" data-testid="gp-review-problems">
            The template still reports:
            <ul>
              {problems.map((p, i) => (
                <li key={i}>
                  {p.field ? `${labels[p.field] ?? p.field}: ` : ''}
                  {p.message}
                </li>
              ))}
            </ul>
          </div>
        )}

        <div className="form-group gp-field">
          <label className="control-label" htmlFor="gp-outdir">
            Folder for the new repository
          </label>
          <p className="field-description" data-testid="gp-outdir-default">
            Created by Paved; it must not exist yet, or be empty. Leave it empty for Paved&rsquo;s default
            {defaultOutDir ? (
              <>
                : <code>{defaultOutDir}</code>
              </>
            ) : parentDir ? (
              <>
                {' '}
                folder in <code>{parentDir}</code>
              </>
            ) : (
              ' folder'
            )}
            .
          </p>
          <input
            id="gp-outdir"
            className="form-control mono"
            type="text"
            value={outDir}
            placeholder={defaultOutDir || (parentDir ? `A new folder in ${parentDir}` : 'The default folder')}
            onChange={(e) => onOutDir(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            data-testid="gp-outdir"
          />
        </div>
        <div className="form-group gp-field">
          <label className="control-label" htmlFor="gp-push">
            Push to a git remote <span className="muted">(optional)</span>
          </label>
          <p className="field-description">
            An empty repository to push the first commit to, e.g. git@github.com:acme/{name}.git. Uses your ssh-agent or git
            credential helper.
          </p>
          <input
            id="gp-push"
            className="form-control mono"
            type="text"
            value={push}
            onChange={(e) => onPush(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            data-testid="gp-push"
          />
        </div>
        <div className="gp-buttons">
          {onBack && (
            <button type="button" className="btn" onClick={onBack} data-testid="gp-back">
              Back
            </button>
          )}
          <button type="submit" className="btn btn-primary" data-testid="gp-create">
            Create repository
          </button>
        </div>
      </form>
    </>
  );
}

/** Why the scaffold failed: refused fields are shown on the form too. */
function ScaffoldError({ error, labels, onBack }: { error: BackendError; labels: Record<string, string>; onBack: () => void }) {
  // The message repeats the problems one per line after its first line.
  const summary = error.problems.length ? error.message.split('\n')[0].replace(/:\s*$/, '') : error.message;
  return (
    <div className="error-box" role="alert" data-testid="scaffold-error" data-kind={error.kind}>
      <strong>Could not create it.</strong> <span className="error-message gp-pre-line">{summary}</span>
      <ProblemList problems={error.problems} labels={labels} testId="scaffold-problems" />
      <button type="button" className="btn btn-small" onClick={onBack} data-testid="back-to-form">
        Back to the form
      </button>
    </div>
  );
}

export default GoldenPathPage;
