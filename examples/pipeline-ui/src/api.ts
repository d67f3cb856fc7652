// A tiny client for the sample API, reached through the same origin at /api/….
export type Status = 'succeeded' | 'failed' | 'running' | 'queued';

export interface RunSummary {
  id: string;
  pipeline: string;
  status: Status;
  startedAt: string;
  durationSeconds: number;
  stepCount: number;
}

export interface StepSummary {
  name: string;
  status: Status;
  durationSeconds: number;
  metrics: Record<string, number>;
}

export interface Step extends StepSummary {
  log: string[];
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`/api${path}`, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('application/json')) {
    throw new ApiError(response.status, `expected JSON from /api${path}, got ${type || 'no content type'} (${response.status})`);
  }
  const body = await response.json();
  if (!response.ok) throw new ApiError(response.status, body.message ?? `HTTP ${response.status}`);
  return body as T;
}

export const api = {
  runs: () => request<{ runs: RunSummary[] }>('/runs').then((body) => body.runs),
  run: (id: string) =>
    request<{ run: RunSummary & { steps: StepSummary[] } }>(`/runs/${encodeURIComponent(id)}`).then((body) => body.run),
  step: (id: string, step: string) =>
    request<{ step: Step }>(`/runs/${encodeURIComponent(id)}/steps/${encodeURIComponent(step)}`).then((body) => body.step),
  trigger: (pipeline: string) =>
    request<{ run: RunSummary }>('/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pipeline }),
    }).then((body) => body.run),
};

export function formatDuration(seconds: number): string {
  if (seconds === 0) return '—';
  const minutes = Math.floor(seconds / 60);
  return minutes ? `${minutes}m ${seconds % 60}s` : `${seconds}s`;
}
