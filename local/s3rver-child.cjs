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
// S3 stores an object only once its whole body has arrived: a PUT cut mid-body (a deploy killed
// while writing the live pointer) leaves the previous object as it was. s3rver writes into the
// object's file as bytes arrive; buffer the body first so the local S3 keeps S3's promise.
const putObject = server.store.putObject.bind(server.store);
server.store.putObject = async (object) => {
  const stream = object.content;
  if (!stream || Buffer.isBuffer(stream) || typeof stream.on !== 'function') return putObject(object);
  const declared = Number(stream.headers && stream.headers['content-length']);
  object.content = await new Promise((resolve, reject) => {
    const chunks = [];
    let received = 0;
    stream.on('data', (chunk) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    stream.once('aborted', () => reject(new Error('request aborted before its body was complete: nothing stored')));
    stream.once('error', reject);
    stream.once('end', () => {
      if (stream.complete === false || (Number.isFinite(declared) && received < declared)) {
        reject(new Error(`body cut short (${received} of ${declared} bytes): nothing stored`));
      } else resolve(Buffer.concat(chunks));
    });
  });
  return putObject(object);
};

// A listen failure (EADDRINUSE: another `npm start`) is an 'error' event s3rver does not turn into
// a rejection: without this it would crash the child with a stack. Report it to the parent, which
// names the port and the flag that moves it.
let listening = false;
const refuse = (error) => {
  process.send({ error: String(error && error.message ? error.message : error) }, () => process.exit(1));
};
process.once('uncaughtException', (error) => {
  if (!listening) return refuse(error);
  console.error(error);
  process.exit(1);
});
server.run().then((address) => {
  listening = true;
  process.send({ port: address.port });
}, refuse);
const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
