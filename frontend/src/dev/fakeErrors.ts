// Rejections as the Go bridge sends them: a string holding the JSON of
// problem.Describe ({message, kind, problems}), in both window and browser
// mode. The fakes throw these so the UI's error handling is tested against
// the real wire format.

import type { ErrorKind, Problem } from '../common/backend';

/** "file:line: field: message; fix", as Go's problem.Problem.String. */
function problemText(p: Problem): string {
  const place = p.file && p.line ? `${p.file}:${p.line}: ` : p.file ? `${p.file}: ` : p.line ? `line ${p.line}: ` : '';
  return `${place}${p.field ? `${p.field}: ` : ''}${p.message}${p.fix ? `; ${p.fix}` : ''}`;
}

/** The string a bound method rejects with (message as Go's *problem.Error prints it). */
export function backendError(kind: ErrorKind, message: string, problems: Problem[] = []): string {
  const text = problems.length ? `${message}:\n  ${problems.map(problemText).join('\n  ')}` : message;
  return JSON.stringify({ message: text, kind, problems });
}
