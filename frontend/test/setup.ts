import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// waitFor/findBy* give up after this long. The default (1 s) is too short
// when vitest runs every file at once on a 2-core CI machine; a test that
// passes only waits as long as it needs.
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => {
  cleanup();
});
