import { PygboxError } from '../../shared/errors/pygbox-error.ts';

/** The PygboxError a promise rejects with; anything else (or no rejection) fails the test. */
export async function pygboxRejection(promise: Promise<unknown>): Promise<PygboxError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PygboxError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}
