/**
 * The sample API's data: a handful of ML pipeline runs, generated deterministically so the
 * example app and the tests see the same runs on every start.
 */

export type Status = 'succeeded' | 'failed' | 'running' | 'queued';

export interface Step {
  readonly name: string;
  readonly status: Status;
  readonly durationSeconds: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly log: readonly string[];
}

export interface Run {
  readonly id: string;
  readonly pipeline: string;
  readonly status: Status;
  readonly startedAt: string;
  readonly steps: readonly Step[];
}

export const STEP_NAMES = ['ingest', 'validate', 'featurize', 'train', 'evaluate', 'register'] as const;

const PIPELINES = ['churn-model', 'image-tagger', 'demand-forecast'];

function stepsFor(index: number, status: Status): Step[] {
  // A failed run stops at `train`; a running one is inside `evaluate`.
  const stopAt = status === 'failed' ? 3 : status === 'running' ? 4 : status === 'queued' ? 0 : STEP_NAMES.length;
  return STEP_NAMES.map((name, position) => {
    const stepStatus: Status = position < stopAt ? 'succeeded' : position === stopAt && status !== 'succeeded' ? status : 'queued';
    const durationSeconds = stepStatus === 'queued' ? 0 : 20 + ((index * 37 + position * 53) % 400);
    const metrics: Record<string, number> =
      name === 'train' && stepStatus === 'succeeded'
        ? { loss: Number((0.9 / (index + 2)).toFixed(4)), epochs: 10 + index }
        : name === 'evaluate' && stepStatus === 'succeeded'
          ? { accuracy: Number((0.81 + index * 0.01).toFixed(3)), auc: Number((0.87 + index * 0.008).toFixed(3)) }
          : {};
    const log =
      stepStatus === 'queued'
        ? []
        : [
            `${name}: started`,
            ...(stepStatus === 'failed' ? [`${name}: CUDA out of memory (batch size 512)`] : []),
            `${name}: ${stepStatus} in ${durationSeconds}s`,
          ];
    return { name, status: stepStatus, durationSeconds, metrics, log };
  });
}

const STATUSES: Status[] = ['succeeded', 'succeeded', 'failed', 'succeeded', 'running', 'succeeded'];
/** Runs the nightly schedule started: named `run.<date>.<n>`, so client routes carry dots (`/runs/run.2026-11-23.1`). */
const SCHEDULED = new Set([5]);

/** The initial runs, newest first. */
export function sampleRuns(now = Date.parse('2026-11-23T09:00:00Z')): Run[] {
  return STATUSES.map((status, index) => {
    const number = 142 - index;
    const startedAt = new Date(now - index * 3_600_000).toISOString();
    return {
      id: SCHEDULED.has(index) ? `run.${startedAt.slice(0, 10)}.1` : `run-${number}`,
      pipeline: PIPELINES[index % PIPELINES.length] as string,
      status,
      startedAt,
      steps: stepsFor(index, status),
    };
  });
}

/** A newly triggered run: every step queued. */
export function queuedRun(id: string, pipeline: string, now: Date): Run {
  return { id, pipeline, status: 'queued', startedAt: now.toISOString(), steps: stepsFor(0, 'queued') };
}

/** What the list endpoint shows of a run. */
export function runSummary(run: Run) {
  return {
    id: run.id,
    pipeline: run.pipeline,
    status: run.status,
    startedAt: run.startedAt,
    durationSeconds: run.steps.reduce((sum, step) => sum + step.durationSeconds, 0),
    stepCount: run.steps.length,
  };
}
