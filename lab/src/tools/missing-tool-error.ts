/** A tool the lab needs is absent (or only present at the wrong version); `fix` is the command that repairs it. */
export class MissingToolError extends Error {
  readonly tool: string;
  readonly fix: string;

  constructor(tool: string, fix: string, details: string) {
    super(`${tool} not found: ${details}. To fix: ${fix}`);
    this.name = 'MissingToolError';
    this.tool = tool;
    this.fix = fix;
  }
}
