/** The command line was wrong: the usage is printed and the exit code is 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
