// Structured logs: one JSON object per line on stdout, with the trace and
// span of the current request when it is traced.
import { trace } from '@opentelemetry/api';
import type { Level } from './config.js';

const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

export function createLogger(service: string, level: Level, write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  const log = (lvl: Level, msg: string, fields: Fields = {}) => {
    if (order[lvl] < order[level]) return;
    const entry: Fields = { time: new Date().toISOString(), level: lvl, msg, service, ...fields };
    const span = trace.getActiveSpan()?.spanContext();
    if (span) {
      entry.trace_id = span.traceId;
      entry.span_id = span.spanId;
    }
    write(JSON.stringify(entry) + '\n');
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
  };
}
