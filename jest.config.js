/** @type {import('jest').Config} */
const base = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', {}],
    // ky ships ESM only; compile just ky to CommonJS for jest (sindresorhus/ky#170).
    '^.+/node_modules/ky/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!ky/)'],
  setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-setup.ts'],
};

module.exports = {
  testTimeout: 30000,
  projects: [
    { ...base, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    { ...base, displayName: 'integration', roots: ['<rootDir>/test/integration', '<rootDir>/test/contract'] },
    { ...base, displayName: 'emulator', roots: ['<rootDir>/test/emulator'] },
  ],
};
