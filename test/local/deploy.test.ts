import { describe, expect, it } from 'vitest';
import { cliEnvironment, deployCommandLine } from '../../local/deploy.ts';

describe('the local deploy command', () => {
  it('points the CLI at the local S3 with s3rver credentials, and runs the installed bin only', () => {
    expect(cliEnvironment('http://127.0.0.1:4569')).toEqual({
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
    });
    expect(deployCommandLine('http://127.0.0.1:4569', 'shellfront-local', 'dist/')).toBe(
      'AWS_ENDPOINT_URL_S3=http://127.0.0.1:4569 AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 npx --no-install shellfront deploy dist/ --bucket shellfront-local',
    );
  });
});
