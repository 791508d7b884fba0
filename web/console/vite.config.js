// Builds the console for /app/ (CMake runs this and embeds the output; see
// src/app/CMakeLists.txt). Hashed asset names under assets/ get long caching from the
// server; nothing inline, so the server's Content-Security-Policy holds.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/app/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    target: 'es2020',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: true,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
