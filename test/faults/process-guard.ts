/**
 * "The process survives": records every uncaught exception and unhandled rejection while a fault
 * case runs. With a listener registered Node does not exit, so the case can assert there were none
 * (a driver emitting 'error' with nobody listening would otherwise take the whole process down).
 */
export interface ProcessGuard {
  /** What reached the process uncaught since the guard started. */
  readonly escaped: unknown[];
  stop(): void;
}

export function guardProcess(): ProcessGuard {
  const escaped: unknown[] = [];
  const record = (error: unknown) => {
    escaped.push(error);
  };
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    escaped,
    stop() {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}
