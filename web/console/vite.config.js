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
    // Hashes of [0-9a-z] only: a base64url hash may hold '-', which the server's rule for
    // hashed names (a '-' or '.' separated part of 8 or more characters, static_files.h)
    // would split, serving the file as no-cache.
    rollupOptions: { output: { hashCharacters: 'base36' } },
  },
});
