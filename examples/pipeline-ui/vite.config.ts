// The example app's build: `npm run build:example` writes examples/pipeline-ui/dist.
// SHELLFRONT_EXAMPLE_EDITION changes a visible string (and so every hash): the browser tests
// build a second release with it. SHELLFRONT_EXAMPLE_OUT sends the build elsewhere.
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [vue()],
  define: {
    __EDITION__: JSON.stringify(process.env.SHELLFRONT_EXAMPLE_EDITION ?? 'first edition'),
  },
  server: {
    // `vite dev` on its own: send /api to the sample API started by `npm start`.
    proxy: { '/api': `http://127.0.0.1:${process.env.API_PORT ?? 8081}` },
  },
  build: {
    outDir: process.env.SHELLFRONT_EXAMPLE_OUT ?? fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    manifest: true,
  },
});
