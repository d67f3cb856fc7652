// Runs s3rver in its own process (started by local/s3-server.ts). A separate process lets it run
// with --openssl-legacy-provider (paginated listings fail on Node 20 without it) and lets tests
// stop it abruptly. Reports `{ port }` on IPC once listening.
'use strict';
const S3rver = require('s3rver');

const options = JSON.parse(process.argv[2]);
const server = new S3rver({
  address: options.address,
  port: options.port,
  directory: options.directory,
  silent: !options.verbose,
  resetOnClose: false,
  vhostBuckets: false,
  configureBuckets: options.buckets.map((name) => ({ name })),
});
server.run().then(
  (address) => process.send({ port: address.port }),
  (error) => {
    process.send({ error: String(error && error.message ? error.message : error) });
    process.exit(1);
  },
);
const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
