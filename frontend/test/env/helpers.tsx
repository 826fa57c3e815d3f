import { render } from '@testing-library/react';
import { App } from '../../src/App';
import { setBackendWaitMs } from '../../src/common/backend';
import { installFakeBackend, type FakeBackend, type FakeBackendOptions } from '../../src/dev/fakeBackend';
import { resetOperationsForTests } from '../../src/env/operations';
import { setHash, teardown } from '../helpers';

let current: FakeBackend | undefined;

/**
 * Render the app on hash with the fake backend, after starting the
 * environments in `up` (component refs or environment names).
 */
export async function renderEnvApp(hash: string, opts: FakeBackendOptions & { up?: string[] } = {}): Promise<FakeBackend> {
  const { up = [], ...rest } = opts;
  setHash(hash);
  setBackendWaitMs(200);
  const fake = installFakeBackend(window, { latencyMs: 0, ...rest });
  current = fake;
  for (const target of up) await fake.env.app.EnvUp({ target });
  fake.calls.length = 0;
  render(<App />);
  return fake;
}

export function envTeardown() {
  current?.env.dispose();
  current = undefined;
  resetOperationsForTests();
  teardown();
}

export const callsOf = (fake: FakeBackend, method: string) => fake.calls.filter((c) => c.method === method).map((c) => c.args);
