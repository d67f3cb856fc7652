/** Usage text (the full reference is docs/cli.md). */

const TARGET = `Bucket:
  --bucket <name>          the site bucket
  --stack <name>           or read it from the CloudFormation stack's BucketName output
  --region <region>        default AWS_REGION, AWS_DEFAULT_REGION, then us-east-1
  --json                   print one JSON object as the last line of stdout
`;

export const COMMAND_HELP = {
  deploy: `shellfront deploy <dist> (--bucket <b> | --stack <s>) [options]

Uploads a build as a new release and makes it live: missing hashed assets, the release's own
files, the release record, a completeness check, then manifest.json (a conditional write).

  --release <id>           release id (default: UTC time + short git sha)
  --message, -m <text>     note shown by \`shellfront releases\`
  --config <file.json>     runtime config injected into the shell (default: keep the live one's; none: drop it)
  --git-sha <sha>          the commit the build came from (default: GITHUB_SHA, else git in the build folder)
  --git-ref <ref>          its branch or tag (default: GITHUB_REF_NAME, else the build folder's branch)
  --asset-dirs <a/,b/>     hashed asset folders (default by build: Vite assets/, CRA static/, Vue CLI js/ css/ img/ fonts/ media/);
                           each needs a stack assetPathPatterns entry (static/ = /static/*)
  --concurrency <n>        parallel uploads (default 64)
  --dry-run                plan and report, write nothing
${TARGET}`,
  rollback: `shellfront rollback (--bucket <b> | --stack <s>) [--to <id>]

Makes the previous live release (or --to <id>) live again after checking all its objects exist.
${TARGET}`,
  releases: `shellfront releases (--bucket <b> | --stack <s>) [--limit <n>]

Lists releases, newest first: time, message, size, and which one is live.
${TARGET}`,
  prune: `shellfront prune (--bucket <b> | --stack <s>) --keep <n> [--older-than 7d] [--dry-run]

Keeps the <n> newest releases, plus the live one and the one \`rollback\` would go to; deletes the
other releases, and assets no kept release uses once they are older than --older-than.

  --keep <n>               how many of the newest releases to keep (0 or more)
  --older-than <d>         grace period for unreferenced assets (default 7d; units m h d w, or 0)
  --dry-run                report what would be deleted, delete nothing
  --drop-rollback-target   also allow deleting the release \`rollback\` would go to
${TARGET}`,
  verify: `shellfront verify (--bucket <b> | --stack <s>) [--release <id>]

Checks that the live (or named) release is complete in the bucket. Exit 5 when it is not.
${TARGET}`,
} as const;

export const HELP = `shellfront: atomic single-page-app releases on S3 + CloudFront

Commands:
  deploy <dist>   upload a build as a new release and make it live
  releases        list releases and which one is live
  rollback        make the previous (or --to <id>) release live again
  prune           delete old releases and unreferenced assets
  verify          check the live release is complete

Run \`shellfront <command> --help\` for its flags. Exit codes: 0 ok, 1 unexpected, 2 usage,
3 bad input, 4 conflict, 5 incomplete release, 6 AWS access/bucket/stack, 7 S3 or network kept failing.
AWS_ENDPOINT_URL_S3 points the CLI at another S3 endpoint (path-style), e.g. a local server.
`;
