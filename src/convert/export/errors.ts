/** A readable export failure (bad or unsupported input, output too large): the message is meant for the user. */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

/** Runs `work`, turning any failure into an ExportError that names the input file. */
export async function withInput<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ExportError) throw error;
    const message = (error as Error).message;
    throw new ExportError(message.startsWith(path) ? message : `${path}: ${message}`);
  }
}
