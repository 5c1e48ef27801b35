/**
 * Helpers shared by the unit tests (not exported from the `rnnlab` barrel).
 */
import { after, before } from "node:test";
import { setupBackend } from "../backend";

/**
 * Registers the file's `before`/`after` hooks: set up the backend and pin `RNNLAB_QUICK=0` (full
 * training budgets; `npm test` sets it to 1), then restore the old value when the file is done.
 */
export function useBackendWithFullBudgets(): void {
  const savedQuick = process.env.RNNLAB_QUICK;
  before(async () => {
    await setupBackend();
    process.env.RNNLAB_QUICK = "0";
  });
  after(() => {
    if (savedQuick === undefined) delete process.env.RNNLAB_QUICK;
    else process.env.RNNLAB_QUICK = savedQuick;
  });
}
