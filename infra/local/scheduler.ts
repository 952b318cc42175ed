// Fires the topology's schedules on the real clock (checked each minute against their UTC cron fields), and on
// demand at a given time through `POST /_local/schedules/{rule}`.
import { randomUUID } from 'node:crypto';
import { schedules, type ScheduleSpec } from '../topology.ts';
import { invoke } from './lambda-runner.ts';

/** Matches one EventBridge cron field: `*`, `?`, a number, a list `1,15`, a range `1-5` or a step `0/15`. */
export function cronFieldMatches(field: string | undefined, value: number): boolean {
  if (field === undefined || field === '*' || field === '?') return true;
  return field.split(',').some((part) => {
    const step = /^(\*|\d+)\/(\d+)$/.exec(part);
    if (step) {
      const start = step[1] === '*' ? 0 : Number(step[1]);
      return value >= start && (value - start) % Number(step[2]) === 0;
    }
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) return value >= Number(range[1]) && value <= Number(range[2]);
    return /^\d+$/.test(part) && Number(part) === value;
  });
}

export function isDue(spec: ScheduleSpec, at: Date): boolean {
  const { minute, hour, day, month, weekDay } = spec.cron;
  return (
    cronFieldMatches(minute, at.getUTCMinutes()) &&
    cronFieldMatches(hour, at.getUTCHours()) &&
    cronFieldMatches(day, at.getUTCDate()) &&
    cronFieldMatches(month, at.getUTCMonth() + 1) &&
    cronFieldMatches(weekDay, at.getUTCDay() + 1)
  );
}

export function scheduledEvent(spec: ScheduleSpec, at: Date, region: string) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:events:${region}:000000000000:rule/${spec.name}`],
    detail: {},
  };
}

export function fireSchedule(name: string, at: Date, region: string): Promise<unknown> {
  const spec = schedules.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`unknown schedule ${name}`);
  return invoke(spec.handler, scheduledEvent(spec, at, region));
}

export interface Scheduler {
  stop(): void;
}

export function startScheduler(options: {
  region: string;
  onError: (name: string, error: unknown) => void;
}): Scheduler {
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = new Date();
    now.setUTCSeconds(0, 0);
    for (const spec of schedules) {
      if (isDue(spec, now))
        fireSchedule(spec.name, now, options.region).catch((error: unknown) => options.onError(spec.name, error));
    }
    timer = setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
  };
  timer = setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
  return { stop: () => clearTimeout(timer) };
}
