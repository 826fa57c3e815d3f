import { render } from '@testing-library/react';
import { App } from '../src/App';
import { resetEventsForTests, setBackendWaitMs } from '../src/common/backend';
import { installFakeBackend, type FakeBackend, type FakeBackendOptions } from '../src/dev/fakeBackend';

export function setHash(hash: string) {
  window.history.replaceState(null, '', window.location.pathname + hash);
}

export function renderApp(hash = '#/', opts: FakeBackendOptions = {}): FakeBackend {
  setHash(hash);
  setBackendWaitMs(200);
  const fake = installFakeBackend(window, { latencyMs: 0, ...opts });
  render(<App />);
  return fake;
}

export function teardown() {
  delete window.go;
  delete window.runtime;
  resetEventsForTests();
  setHash('#/');
}
