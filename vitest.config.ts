import { defineConfig } from 'vitest/config'

const jsonReport = process.env.VITEST_JSON_REPORT

export default defineConfig({
  test: {
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/workers/**'],
        },
      },
    ],
  },
})
