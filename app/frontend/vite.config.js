import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development and `vite preview` (used by the browser suite) the backend is
// reached through the same paths nginx proxies in production, so the app
// never needs CORS or a configurable API origin.
const backend = process.env.BACKEND_URL || 'http://127.0.0.1:8000';
const proxied = ['/api', '/admin', '/static', '/media', '/healthz', '/readyz'];
const proxy = Object.fromEntries(proxied.map((path) => [path, { target: backend }]));

export default defineConfig({
  plugins: [react()],
  server: { proxy },
  preview: { proxy },
  build: {
    // Hashed file names under /assets/ are what nginx caches as immutable.
    assetsDir: 'assets',
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./test/setup.js'],
    include: ['src/**/*.test.{js,jsx}'],
    restoreMocks: true,
    testTimeout: 20_000,
  },
});
