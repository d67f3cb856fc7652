/** The top-level usage text, from the command specs (each command's own: `helpFor`; full reference: docs/cli.md). */
import { EXIT } from '../shared/errors.ts';
import { SPECS } from './specs.ts';

const commands = Object.values(SPECS)
  .map((spec) => `  ${`${spec.name}${spec.positional ? ` ${spec.positional}` : ''}`.padEnd(16)}${spec.summary}`)
  .join('\n');

export const HELP = `shellfront: atomic single-page-app releases on S3 + CloudFront

Usage: shellfront <command> (--bucket <b> | --stack <s>) [flags]

Commands:
${commands}

Run \`shellfront <command> --help\` for its flags. Exit codes: ${EXIT.ok} ok, ${EXIT.unexpected} unexpected, ${EXIT.usage} usage,
${EXIT.input} bad input, ${EXIT.conflict} conflict, ${EXIT.incomplete} incomplete release or build, ${EXIT.aws} AWS access/bucket/stack/credentials,
${EXIT.transient} S3 or the network kept failing, ${EXIT.notLive} not live in time (--wait).
AWS_ENDPOINT_URL_S3 points the CLI at another S3 endpoint (path-style), e.g. a local server.
`;
