// ESLint (flat config), run by `npm run lint`: typescript-eslint's recommended rules for the lib's
// TypeScript, eslint's recommended rules for the CommonJS scripts, tests and benchmarks.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";
import globals from "globals";

const unusedVars = [
  "error",
  { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
];

export default defineConfig(
  {
    ignores: [
      "**/node_modules/",
      "lib/dist/",
      "lib/asm/", // AssemblyScript, compiled by lib/scripts/build-asm.js
      "notebooks/",
      "artifacts/",
      "book/",
      "checkpoints/",
      ".cache/",
    ],
  },
  {
    files: ["lib/src/**/*.ts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": unusedVars,
      // `import x = require("m")` is TypeScript's typed CommonJS import; a bare require() (lazy or
      // optional loads) still needs an eslint-disable comment saying why.
      "@typescript-eslint/no-require-imports": ["error", { allowAsImport: true }],
    },
  },
  {
    files: ["scripts/**/*.js", "tests/**/*.js", "bench/**/*.js"],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
    rules: {
      "no-unused-vars": unusedVars,
    },
  },
);
