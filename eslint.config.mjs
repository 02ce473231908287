import * as effectEslint from "@effect/eslint-plugin"
import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  // .stryker-tmp and reports hold `pnpm mutate`'s sandboxes (instrumented copies of the sources) and reports.
  // packages/*/effect4/{src,test} are generated from packages/*/{src,test}, and effect4/{test,examples} from
  // test/ and examples/ (scripts/effect4.mjs): linted there.
  {
    ignores: [
      "packages/*/effect4/src",
      "packages/*/effect4/test",
      "effect4/test",
      "effect4/examples/*",
      "!effect4/examples/quickstart.ts",
      "!effect4/examples/quickstart.test.ts",
      "**/build",
      "**/dist",
      "**/docs",
      "**/node_modules",
      "**/*.md",
      "**/*.json",
      ".stryker-tmp",
      "reports"
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...effectEslint.configs.dprint,
  {
    rules: {
      "object-shorthand": "error",
      "require-yield": "off",
      "no-unused-vars": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/array-type": ["error", { default: "generic", readonly: "generic" }],
      "@effect/dprint": ["error", {
        config: {
          indentWidth: 2,
          lineWidth: 120,
          semiColons: "asi",
          quoteStyle: "alwaysDouble",
          trailingCommas: "never",
          operatorPosition: "maintain",
          "arrowFunction.useParentheses": "force"
        }
      }]
    }
  },
  {
    files: ["packages/*/src/**/*", "packages/*/effect4/overlay/src/**/*"],
    rules: {
      "no-console": "error",
      "@effect/no-import-from-barrel-package": ["error", { packageNames: ["effect", "@effect/platform"] }]
    }
  },
  {
    // Written once for both Effect lines: nothing here may depend on either line's API.
    files: [
      "packages/shared/src/**/*",
      "packages/*/test/scenarios/**/*",
      // the testkit's pure parts, reused by its Effect 4 edition
      "packages/testing/src/Model.ts",
      "packages/testing/src/Arbitraries.ts"
    ],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [{
          group: ["effect", "effect/*", "@effect/*"],
          message: "shared code is written once for both Effect lines"
        }]
      }]
    }
  }
)
