/** Mocha root hooks: the WASM parser loads once before any test. */
import { loadParser } from '../server/src/engine/parsing/parser';

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    await loadParser();
  },
};
