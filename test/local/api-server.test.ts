import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type RunningApiServer } from '../../local/api-server.ts';

let api: RunningApiServer;
beforeAll(async () => {
  api = await startApiServer();
});
afterAll(async () => {
  await api?.stop();
});

async function get(path: string, init?: RequestInit) {
  const response = await fetch(`${api.url}${path}`, init);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return { status: response.status, body: await response.json() };
}

describe('sample API', () => {
  it('lists runs, newest first', async () => {
    const { status, body } = await get('/api/runs');
    expect(status).toBe(200);
    expect(body.runs[0]).toMatchObject({ id: 'run-142', pipeline: 'churn-model', status: 'succeeded', stepCount: 6 });
  });

  it('shows a run with its steps, and a step with its log', async () => {
    expect((await get('/api/runs/run-140')).body.run).toMatchObject({ status: 'failed', steps: expect.any(Array) });
    const { body } = await get('/api/runs/run-140/steps/train');
    expect(body.step).toMatchObject({ name: 'train', status: 'failed' });
    expect(body.step.log.join('\n')).toMatch(/out of memory/);
  });

  it('creates a queued run', async () => {
    const { status, body } = await get('/api/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'image-tagger' }) });
    expect(status).toBe(201);
    expect(body.run).toMatchObject({ pipeline: 'image-tagger', status: 'queued' });
    expect((await get('/api/runs')).body.runs[0].id).toBe(body.run.id);
  });

  it.each([
    ['/api/runs/run-1', 'GET', 404, 'not_found'],
    ['/api/runs/run-142/steps/deploy', 'GET', 404, 'not_found'],
    ['/api/nothing', 'GET', 404, 'not_found'],
    ['/api/runs/run-142', 'DELETE', 405, 'method_not_allowed'],
    ['/api/boom', 'GET', 500, 'internal'],
  ])('%s (%s) answers a JSON %i', async (path, method, status, error) => {
    const result = await get(path, { method });
    expect(result.status).toBe(status);
    expect(result.body).toMatchObject({ error, path });
  });

  it('rejects a bad run request with a message naming the value', async () => {
    const result = await get('/api/runs', { method: 'POST', body: JSON.stringify({ pipeline: 'Bad Name' }) });
    expect(result.status).toBe(400);
    expect(result.body.message).toContain('"Bad Name"');
  });

  it('answers malformed percent-encoding with its documented JSON 400, not a 500', async () => {
    for (const path of ['/api/%F4%90%80%80', '/api/runs/%E0%A4%A']) {
      const result = await get(path);
      expect(result.status, path).toBe(400);
      expect(result.body, path).toMatchObject({ error: 'bad_path' });
    }
  });
});
