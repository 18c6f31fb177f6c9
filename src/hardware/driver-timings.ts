/**
 * The evaluator driver's timings (resend, silence, dedupe, reconnect backoff), with the protocol v1 defaults; tests
 * and the soak shorten them. Runs everywhere (pure).
 */

/** Each of the driver's timings; tests pass a part (`Partial<DriverTimings>`), the rest are DEFAULT_TIMINGS. */
export interface DriverTimings {
  /** Resend an unacknowledged host frame after this long. */
  resendMs: number;
  /** Resends before the device counts as not responding. */
  maxResends: number;
  /** Silence from the device after which the host PINGs. */
  silenceMs: number;
  /** A KEY with a SEQ seen within this long is a resend. */
  keyDedupeMs: number;
  /** How many recent KEYs are remembered for that. */
  keyDedupeCount: number;
  /** First reconnect delay; doubles up to `reconnectMaxMs`. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** How often the watchdog looks. */
  watchdogTickMs: number;
}

export const DEFAULT_TIMINGS: DriverTimings = {
  resendMs: 300,
  maxResends: 3,
  silenceMs: 12_000,
  keyDedupeMs: 5_000,
  keyDedupeCount: 8,
  reconnectMinMs: 1_000,
  reconnectMaxMs: 30_000,
  watchdogTickMs: 1_000,
};
