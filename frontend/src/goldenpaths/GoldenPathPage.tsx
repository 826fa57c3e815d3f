import type { ErrorSchema } from '@rjsf/utils';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ErrorBox, Loading, RefValue, Tags } from '../common/components';
import { getGoldenPath, getScaffoldDefaults, onGoldenPathProgress, scaffold } from './api';
import '../goldenpaths/goldenpaths.css';
import { Markdown } from './Markdown';
import { PreviewPanel, usePreview } from './Preview';
import { applyProgress, completeProgress, failProgress, initialProgress, ScaffoldProgress, type ProgressState } from './progress';
import { ScaffoldResultView } from './Result';
import { mergePage, pageFields, pageUiSchema, ParameterPageForm } from './schemaForm';
import type { ParameterPage, ScaffoldResult, TemplateDetail } from './types';
import { useAsync, useCatalog, useDocumentTitle } from '../common/hooks';
import { SourceBadge } from './GalleryPage';

type Values = Record<string, unknown>;
type Phase = 'form' | 'running' | 'done' | 'failed';

export function GoldenPathPage({ template }: { template: string }) {
  const { platform } = useCatalog();
  const { data, error, reload } = useAsync(() => getGoldenPath(template), [template]);
  const defaults = useAsync(getScaffoldDefaults, []);
  useDocumentTitle(data ? `Create: ${data.title || data.name}` : 'Create', platform?.title);

  if (error && !data) {
    return (
      <div className="page">
        <Breadcrumbs title={template} />
        <ErrorBox error={error} onRetry={reload} />
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

/** Join a directory and a name with the directory's own separator. */
export function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}

/** Field errors in a Scaffold rejection ("parameter name: is required" lines). */
export function parseValueErrors(message: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of message.matchAll(/^\s*parameter ([^\s:]+): (.+)$/gm)) (out[m[1]] ??= []).push(m[2].trim());
  return out;
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
  const [values, setValues] = useState<Values>(() => ({ ...detail.defaults }));
  const [step, setStep] = useState(0);
  const [reached, setReached] = useState(0);
  const [live, setLive] = useState<ReadonlySet<number>>(() => new Set());
  const [extraErrors, setExtraErrors] = useState<Record<number, ErrorSchema | undefined>>({});
  const [outDir, setOutDir] = useState('');
  const [outDirEdited, setOutDirEdited] = useState(false);
  const [push, setPush] = useState('');
  const [tab, setTab] = useState<'create' | 'readme'>('create');
  const [phase, setPhase] = useState<Phase>('form');
  const [progress, setProgress] = useState<ProgressState>(() => initialProgress(detail.steps));
  const [result, setResult] = useState<ScaffoldResult | undefined>();
  const [scaffoldError, setScaffoldError] = useState<string | undefined>();
  const preview = usePreview(detail.name, values, phase === 'form');
  const labels = useMemo(() => fieldLabels(pages), [pages]);
  const stopEvents = useRef<(() => void) | undefined>(undefined);
  useEffect(() => () => stopEvents.current?.(), []);

  const name = typeof values.name === 'string' ? values.name : '';
  const suggestedOut = parentDir && name ? joinPath(parentDir, name) : '';
  const effectiveOut = outDirEdited ? outDir : suggestedOut;
  const title = detail.title || detail.name;

  const goTo = (i: number) => {
    setStep(i);
    setReached((r) => Math.max(r, i));
  };

  const onPageChange = (i: number, data: Values) => {
    setValues((v) => mergePage(v, pageFields(pages[i]), data));
    if (extraErrors[i]) setExtraErrors((e) => ({ ...e, [i]: undefined }));
  };

  const create = () => {
    setPhase('running');
    setScaffoldError(undefined);
    setProgress(initialProgress(detail.steps));
    stopEvents.current?.();
    stopEvents.current = onGoldenPathProgress((ev) => {
      if (ev.source === detail.name) setProgress((p) => applyProgress(p, ev));
    });
    const done = () => {
      stopEvents.current?.();
      stopEvents.current = undefined;
    };
    scaffold({ template: detail.name, values, outDir: effectiveOut.trim() || undefined, push: push.trim() || undefined }).then(
      (res) => {
        done();
        setResult(res);
        setProgress((p) => completeProgress(p, res));
        setPhase('done');
      },
      (err: unknown) => {
        done();
        const msg = err instanceof Error ? err.message : String(err);
        setProgress((p) => failProgress(p, msg));
        setScaffoldError(msg);
        setPhase('failed');
        // Values the backend refused: show them on their fields.
        const byField = parseValueErrors(msg);
        const errs: Record<number, ErrorSchema> = {};
        pages.forEach((p, i) => {
          for (const f of pageFields(p)) {
            if (byField[f]) errs[i] = { ...(errs[i] ?? {}), [f]: { __errors: byField[f] } } as ErrorSchema;
          }
        });
        setExtraErrors(errs);
      },
    );
  };

  const backToForm = () => {
    setPhase('form');
    const firstBad = pages.findIndex((_, i) => extraErrors[i]);
    if (firstBad >= 0) setStep(firstBad);
  };

  const reset = () => {
    setValues({ ...detail.defaults });
    setStep(0);
    setReached(0);
    setLive(new Set());
    setExtraErrors({});
    setOutDir('');
    setOutDirEdited(false);
    setPush('');
    setResult(undefined);
    setScaffoldError(undefined);
    setPhase('form');
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
            <button type="button" className="btn" onClick={reset} data-testid="create-another">
              Create another
            </button>
            <a className="btn" href="#/new">
              All golden paths
            </a>
          </div>
        </>
      ) : phase === 'running' || phase === 'failed' ? (
        <div className="gp-running">
          {scaffoldError && (
            <div className="error-box" role="alert" data-testid="scaffold-error">
              <strong>Could not create it.</strong> <span className="error-message gp-pre-line">{scaffoldError}</span>
              <button type="button" className="btn btn-small" onClick={backToForm} data-testid="back-to-form">
                Back to the form
              </button>
            </div>
          )}
          <ScaffoldProgress state={progress} />
        </div>
      ) : (
        <>
          <div className="gp-tabs" role="tablist" aria-label="Golden path">
            <button
              type="button"
              role="tab"
              id="gp-tab-create"
              aria-selected={tab === 'create'}
              aria-controls="gp-panel-create"
              className={tab === 'create' ? 'is-active' : ''}
              onClick={() => setTab('create')}
              data-testid="tab-create"
            >
              Create
            </button>
            <button
              type="button"
              role="tab"
              id="gp-tab-readme"
              aria-selected={tab === 'readme'}
              aria-controls="gp-panel-readme"
              className={tab === 'readme' ? 'is-active' : ''}
              onClick={() => setTab('readme')}
              data-testid="tab-readme"
            >
              About this golden path
            </button>
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
                <Stepper pages={pages} step={step} reached={reached} onGo={goTo} />
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
                          onChange={(d) => onPageChange(step, d)}
                          onSubmit={() => goTo(step + 1)}
                          liveValidate={live.has(step)}
                          onInvalid={() => setLive((s) => new Set(s).add(step))}
                          extraErrors={extraErrors[step]}
                        >
                          <div className="gp-buttons">
                            {step > 0 && (
                              <button type="button" className="btn" onClick={() => setStep(step - 1)} data-testid="gp-back">
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
                      outDir={effectiveOut}
                      parentDir={parentDir}
                      onOutDir={(v) => {
                        setOutDir(v);
                        setOutDirEdited(true);
                      }}
                      push={push}
                      onPush={setPush}
                      problems={preview.preview?.problems ?? []}
                      onBack={reviewIndex > 0 ? () => setStep(reviewIndex - 1) : undefined}
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
  onOutDir: (v: string) => void;
  push: string;
  onPush: (v: string) => void;
  problems: { field: string; message: string }[];
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
          <p className="field-description">Created by Paved; it must not exist yet, or be empty.</p>
          <input
            id="gp-outdir"
            className="form-control mono"
            type="text"
            value={outDir}
            placeholder={parentDir ? `${joinPath(parentDir, name)}` : '/path/to/new-repository'}
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

export default GoldenPathPage;
